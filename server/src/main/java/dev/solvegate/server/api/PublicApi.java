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
    private static final HeaderName IDEMPOTENT_REPLAYED = HeaderNames.create("Idempotent-Replayed");

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
        Incoming in = Incoming.read(req, deps.accounts());
        Replies to = replies.to(in.errorStatus());
        switch (create(req, in)) {
            case Checked.Ok<TaskStore.Admitted>(TaskStore.Admitted a) -> {
                if (a.replayed()) {
                    res.header(IDEMPOTENT_REPLAYED, "true");
                } else {
                    deps.onAccepted().accept(a.taskId());
                }
                to.ok(res, Json.MAPPER.createObjectNode().put("taskId", a.taskId()));
            }
            case Checked.Refused<TaskStore.Admitted>(Refusal refusal) -> to.refuse(res, refusal);
        }
    }

    /**
     * SPEC §1's checks in their order, the {@code Idempotency-Key} after the field rules (step 4); the task's id,
     * new or, for a key used before with the same task, the earlier one.
     */
    private Checked<TaskStore.Admitted> create(ServerRequest req, Incoming in) {
        if (!deps.intake().open()) {
            return Checked.refused(ErrorCode.ERROR_SERVICE_UNAVALIABLE);
        }
        Checked<Incoming.Signed> signed = in.signed();
        if (!(signed instanceof Checked.Ok<Incoming.Signed>(Incoming.Signed s))) {
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
        Checked<Optional<String>> idempotency = IdempotencyKey.read(
                req.headers().first(IdempotencyKey.HEADER), s.body().get("idempotencyKey"));
        if (!(idempotency instanceof Checked.Ok<Optional<String>>(Optional<String> idempotencyKey))) {
            return idempotency.refusedAs();
        }
        if (idempotencyKey.isPresent()) {
            Optional<Checked<TaskStore.Admitted>> replay =
                    deps.tasks().replay(s.caller(), idempotencyKey.get(), newTask);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        Optional<Template> template = deps.templates().find(newTask.websitePublicKey());
        if (template.isEmpty()) {
            return Checked.refused(ErrorCode.ERROR_TEMPLATE_NOT_FOUND);
        }
        boolean capacity = deps.solvers()
                .hasCapacity(template.get().solver(), template.get().settings());
        return deps.tasks()
                .admit(s.caller(), newTask, template.get(), capacity, clientIp(req), idempotencyKey.orElse(null));
    }

    private void getTaskResult(ServerRequest req, ServerResponse res) {
        switch (Incoming.object(req)) {
            case Checked.Ok<JsonNode>(JsonNode body) -> taskResult(res, Incoming.clientKey(body), body.get("taskId"));
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
                return;
            }
            Replies to = replies.to(read.get().errorStatus());
            if (read.get().suspended()) {
                to.refuse(res, ErrorCode.ERROR_ACCOUNT_SUSPENDED);
            } else if (read.get().task().isEmpty()) {
                to.refuse(res, ErrorCode.ERROR_TASK_NOT_FOUND);
            } else {
                taskReply(to, res, read.get().task().get());
            }
            return;
        }
        Optional<Caller> caller =
                key == null ? Optional.empty() : deps.accounts().caller(key);
        if (caller.isEmpty()) {
            replies.refuse(res, ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
            return;
        }
        Replies to = replies.to(caller.get().errorStatus());
        if (caller.get().suspended()) {
            to.refuse(res, ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        } else if (idNode == null || idNode.isNull()) {
            to.refuse(res, new Refusal(ErrorCode.ERROR_MISSING_REQUEST_DATA, "taskId is required"));
        } else {
            to.refuse(res, ErrorCode.ERROR_TASK_NOT_FOUND);
        }
    }

    private static void taskReply(Replies to, ServerResponse res, TaskView t) {
        switch (t.status()) {
            case "ready" -> to.okBody(res, ResultBody.ready(t));
            case "failed" -> to.failedTask(res, ResultBody.failure(t), ResultBody.failed(t));
            default -> to.ok(res, Json.MAPPER.createObjectNode().put("status", "processing"));
        }
    }

    private void getBalance(ServerRequest req, ServerResponse res) {
        Incoming in = Incoming.read(req, deps.accounts());
        Replies to = replies.to(in.errorStatus());
        switch (balance(in)) {
            case Checked.Ok<ObjectNode>(ObjectNode body) -> to.ok(res, body);
            case Checked.Refused<ObjectNode>(Refusal refusal) -> to.refuse(res, refusal);
        }
    }

    private Checked<ObjectNode> balance(Incoming in) {
        Checked<Incoming.Signed> signed = in.signed();
        if (!(signed instanceof Checked.Ok<Incoming.Signed>(Incoming.Signed s))) {
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

    /** The body as a JSON object, or {@code ERROR_MISSING_REQUEST_DATA} ({@link Incoming#object}). */
    static Checked<JsonNode> object(ServerRequest req) {
        return Incoming.object(req);
    }

    /** The body's {@code clientKey} (or {@code ClientKey}), or null ({@link Incoming#clientKey}). */
    static String clientKey(JsonNode body) {
        return Incoming.clientKey(body);
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
