package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.http.Bodies;
import dev.solvegate.server.intake.Intake;
import dev.solvegate.server.limit.Limits;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.task.NewTask;
import dev.solvegate.server.task.ResultBody;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.task.TaskView;
import dev.solvegate.server.task.Tasks;
import dev.solvegate.server.template.TemplateStore;
import dev.solvegate.server.template.TemplateStore.Template;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The public API of SPEC §1: createTask, getTaskResult, getBalance. Each request takes one straight path:
 * read, authenticate, validate, decide in one transaction, reply; every step answers a {@link Checked}, and
 * the first refusal is the answer.
 *
 * <p>Thread-safety: stateless apart from its collaborators, which are all safe for concurrent use.
 */
public final class PublicApi {

    /** What the API needs from the rest of the node. */
    public record Deps(
            Intake intake,
            AccountStore accounts,
            TemplateStore templates,
            TaskStore tasks,
            Solvers solvers,
            AddressGuard guard,
            Replies replies,
            Clock clock,
            LongConsumer onAccepted) {}

    private static final long MAX_TASK_ID = (1L << 53) - 1;
    private static final HeaderName X_CLIENT_KEY = HeaderNames.create("X-Client-Key");

    private final Deps deps;
    private final TaskFields fields;
    private final Replies replies;

    public PublicApi(Deps deps) {
        this.deps = deps;
        this.fields = new TaskFields(deps.guard());
        this.replies = deps.replies();
    }

    /** Adds the public routes (each also with a trailing slash). */
    void routing(HttpRouting.Builder r) {
        r.post("/createTask", this::createTask).post("/createTask/", this::createTask);
        r.post("/getTaskResult", this::getTaskResult).post("/getTaskResult/", this::getTaskResult);
        r.get("/getTaskResult/{taskId}", this::getTaskResultByPath);
        r.post("/getBalance", this::getBalance).post("/getBalance/", this::getBalance);
    }

    private void createTask(ServerRequest req, ServerResponse res) {
        switch (create(req)) {
            case Checked.Ok<Long>(Long taskId) -> {
                deps.onAccepted().accept(taskId);
                replies.ok(res, Json.MAPPER.createObjectNode().put("taskId", taskId));
            }
            case Checked.Refused<Long>(Refusal refusal) -> replies.refuse(res, refusal);
        }
    }

    /** SPEC §1's checks in their order; the new task's id. */
    private Checked<Long> create(ServerRequest req) {
        if (!deps.intake().open()) {
            return Checked.refused(ErrorCode.ERROR_SERVICE_UNAVALIABLE);
        }
        Checked<Signed> signed = signed(req);
        if (!(signed instanceof Checked.Ok<Signed>(Signed s))) {
            return signed.refusedAs();
        }
        Checked<Limits.Standing> standing =
                Limits.standing(s.caller().standing(), deps.clock().millis());
        if (standing instanceof Checked.Refused) {
            return standing.refusedAs();
        }
        JsonNode task = s.body().get("task");
        if (task == null || !task.isObject()) {
            return Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, "task must be a JSON object");
        }
        Checked<NewTask> checked = fields.check(task, s.body().get("callbackUrl"));
        if (!(checked instanceof Checked.Ok<NewTask>(NewTask newTask))) {
            return checked.refusedAs();
        }
        Optional<Template> template = deps.templates().find(newTask.websitePublicKey());
        if (template.isEmpty()) {
            return Checked.refused(ErrorCode.ERROR_TEMPLATE_NOT_FOUND);
        }
        boolean capacity = deps.solvers()
                .hasCapacity(template.get().solver(), template.get().settings());
        return deps.tasks().admit(s.caller(), newTask, template.get(), capacity, clientIp(req));
    }

    private void getTaskResult(ServerRequest req, ServerResponse res) {
        switch (object(req)) {
            case Checked.Ok<JsonNode>(JsonNode body) -> taskResult(res, clientKey(body), body.get("taskId"));
            case Checked.Refused<JsonNode>(Refusal refusal) -> replies.refuse(res, refusal);
        }
    }

    private void getTaskResultByPath(ServerRequest req, ServerResponse res) {
        String key = req.headers().first(X_CLIENT_KEY).orElse(null);
        taskResult(
                res,
                key,
                Json.MAPPER
                        .getNodeFactory()
                        .textNode(req.path().pathParameters().get("taskId")));
    }

    /**
     * The usual case, a key and a well-formed task id, takes one query for the key, its account and the task;
     * anything else is answered from the key alone, with the same checks in the same order.
     */
    private void taskResult(ServerResponse res, String key, JsonNode idNode) {
        long id = idNode == null || idNode.isNull() ? 0 : taskId(idNode);
        if (key != null && id > 0) {
            Optional<Tasks.KeyedResult> read = deps.tasks().resultForKey(ApiKeys.hash(key), id);
            if (read.isEmpty()) {
                replies.refuse(res, ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
            } else if (read.get().suspended()) {
                replies.refuse(res, ErrorCode.ERROR_ACCOUNT_SUSPENDED);
            } else if (read.get().task().isEmpty()) {
                replies.refuse(res, ErrorCode.ERROR_TASK_NOT_FOUND);
            } else {
                taskReply(res, read.get().task().get());
            }
            return;
        }
        Optional<Caller> caller =
                key == null ? Optional.empty() : deps.accounts().caller(key);
        if (caller.isEmpty()) {
            replies.refuse(res, ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
        } else if (caller.get().suspended()) {
            replies.refuse(res, ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        } else if (idNode == null || idNode.isNull()) {
            replies.refuse(res, new Refusal(ErrorCode.ERROR_MISSING_REQUEST_DATA, "taskId is required"));
        } else {
            replies.refuse(res, ErrorCode.ERROR_TASK_NOT_FOUND);
        }
    }

    private void taskReply(ServerResponse res, TaskView t) {
        switch (t.status()) {
            case "ready" -> replies.okBody(res, ResultBody.ready(t));
            case "failed" -> replies.refuse(res, ResultBody.failure(t), ResultBody.failed(t));
            default -> replies.ok(res, Json.MAPPER.createObjectNode().put("status", "processing"));
        }
    }

    private void getBalance(ServerRequest req, ServerResponse res) {
        switch (balance(req)) {
            case Checked.Ok<ObjectNode>(ObjectNode body) -> replies.ok(res, body);
            case Checked.Refused<ObjectNode>(Refusal refusal) -> replies.refuse(res, refusal);
        }
    }

    private Checked<ObjectNode> balance(ServerRequest req) {
        Checked<Signed> signed = signed(req);
        if (!(signed instanceof Checked.Ok<Signed>(Signed s))) {
            return signed.refusedAs();
        }
        Caller caller = s.caller();
        if (caller.suspended()) {
            return Checked.refused(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        }
        var account = deps.accounts().account(caller.accountId()).orElseThrow();
        ObjectNode out = Json.MAPPER
                .createObjectNode()
                .put("balance", Money.decimal(Ledger.available(account.balance(), account.held())));
        if (caller.packageKey()) {
            deps.accounts().packageById(caller.packageId()).ifPresent(p -> out.set("package", p.state()));
        }
        return Checked.ok(out);
    }

    /** A request's JSON object body and the live key that sent it. */
    private record Signed(JsonNode body, Caller caller) {}

    /** The body and its live key: {@code ERROR_MISSING_REQUEST_DATA}, then {@code ERROR_KEY_DOES_NOT_EXIST}. */
    private Checked<Signed> signed(ServerRequest req) {
        Checked<JsonNode> body = object(req);
        if (!(body instanceof Checked.Ok<JsonNode>(JsonNode json))) {
            return body.refusedAs();
        }
        String key = clientKey(json);
        Optional<Caller> caller =
                key == null ? Optional.empty() : deps.accounts().caller(key);
        return caller.isEmpty()
                ? Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST)
                : Checked.ok(new Signed(json, caller.get()));
    }

    /** The body as a JSON object, or {@code ERROR_MISSING_REQUEST_DATA} saying what is wrong with it. */
    static Checked<JsonNode> object(ServerRequest req) {
        return switch (Bodies.read(req)) {
            case Bodies.Body.Empty() -> Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA);
            case Bodies.Body.NotJson() ->
                Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, "Request body is not valid JSON");
            case Bodies.Body.Parsed(JsonNode json) ->
                json.isObject()
                        ? Checked.ok(json)
                        : Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, "Request body must be a JSON object");
        };
    }

    /** The body's {@code clientKey} (or {@code ClientKey}), or null when missing, not a string, empty or too long. */
    static String clientKey(JsonNode body) {
        JsonNode key = body.has("clientKey") ? body.get("clientKey") : body.get("ClientKey");
        if (key == null
                || !key.isTextual()
                || key.asText().isEmpty()
                || key.asText().length() > 256) {
            return null;
        }
        return key.asText();
    }

    /** A positive id that fits in 53 bits, from a number or a numeric string; else 0. */
    static long taskId(JsonNode n) {
        long id = 0;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            id = n.asLong();
        } else if (n.isTextual() && n.asText().matches("\\d{1,16}")) {
            id = Long.parseLong(n.asText());
        }
        return id > 0 && id <= MAX_TASK_ID ? id : 0;
    }

    private static String clientIp(ServerRequest req) {
        if (req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null) {
            return a.getAddress().getHostAddress();
        }
        return "unknown";
    }
}
