package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.server.ErrorCode;
import dev.solvegate.server.Money;
import dev.solvegate.server.ServiceState;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.engine.Solvers;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.task.TaskStore.Admission;
import dev.solvegate.server.task.TaskStore.TaskView;
import dev.solvegate.server.template.TemplateStore;
import dev.solvegate.server.template.TemplateStore.Template;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The public API of SPEC §1: createTask, getTaskResult, getBalance. Each request takes one straight path:
 * parse, authenticate, validate, decide in one transaction, reply.
 *
 * <p>Thread-safety: stateless apart from its collaborators, which are all safe for concurrent use.
 */
public final class PublicApi {

    /** What the API needs from the rest of the node. */
    public record Deps(
            ServiceState state,
            AccountStore accounts,
            TemplateStore templates,
            TaskStore tasks,
            Solvers solvers,
            AddressGuard guard,
            Replies replies,
            Clock clock,
            LongConsumer onAccepted) {}

    private static final long MAX_TASK_ID = (1L << 53) - 1;
    private static final io.helidon.http.HeaderName X_CLIENT_KEY = io.helidon.http.HeaderNames.create("X-Client-Key");

    private final Deps deps;
    private final TaskFields fields;
    private final Replies replies;

    public PublicApi(Deps deps) {
        this.deps = deps;
        this.fields = new TaskFields(deps.guard());
        this.replies = deps.replies();
    }

    /** Adds the public routes (each also with a trailing slash). */
    public void routing(HttpRouting.Builder r) {
        r.post("/createTask", this::createTask).post("/createTask/", this::createTask);
        r.post("/getTaskResult", this::getTaskResult).post("/getTaskResult/", this::getTaskResult);
        r.get("/getTaskResult/{taskId}", this::getTaskResultByPath);
        r.post("/getBalance", this::getBalance).post("/getBalance/", this::getBalance);
    }

    private void createTask(ServerRequest req, ServerResponse res) {
        if (!deps.state().acceptingTasks()) {
            replies.error(res, ErrorCode.ERROR_SERVICE_UNAVALIABLE);
            return;
        }
        Signed signed = signed(req, res);
        if (signed == null) {
            return;
        }
        JsonNode body = signed.body();
        Caller caller = signed.caller();
        Optional<ErrorCode> refusal = caller.refusalForNewTask(deps.clock().millis());
        if (refusal.isPresent()) {
            replies.error(res, refusal.get());
            return;
        }
        JsonNode task = body.get("task");
        if (task == null || !task.isObject()) {
            replies.error(res, new Refusal(ErrorCode.ERROR_MISSING_REQUEST_DATA, "task must be a JSON object"));
            return;
        }
        TaskFields.Checked checked = fields.check(task, body.get("callbackUrl"));
        if (checked instanceof TaskFields.Checked.Invalid(Refusal r)) {
            replies.error(res, r);
            return;
        }
        var newTask = ((TaskFields.Checked.Valid) checked).task();
        Optional<Template> template = deps.templates().find(newTask.websitePublicKey());
        if (template.isEmpty()) {
            replies.error(res, ErrorCode.ERROR_TEMPLATE_NOT_FOUND);
            return;
        }
        boolean capacity = deps.solvers()
                .hasCapacity(template.get().solver(), template.get().settings());
        Admission admission = deps.tasks().admit(caller, newTask, template.get(), capacity, clientIp(req));
        switch (admission) {
            case Admission.Refused(ErrorCode code) -> replies.error(res, code);
            case Admission.Accepted(long taskId) -> {
                deps.onAccepted().accept(taskId);
                replies.ok(res, Json.MAPPER.createObjectNode().put("taskId", taskId));
            }
        }
    }

    private void getTaskResult(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.readObject(req);
        if (body == null) {
            replies.error(res, ErrorCode.ERROR_MISSING_REQUEST_DATA);
            return;
        }
        taskResult(res, clientKey(body), body.get("taskId"));
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
            Optional<TaskStore.KeyedResult> read = deps.tasks().resultForKey(ApiKeys.hash(key), id);
            if (read.isEmpty()) {
                replies.error(res, ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
            } else if (read.get().suspended()) {
                replies.error(res, ErrorCode.ERROR_ACCOUNT_SUSPENDED);
            } else if (read.get().task().isEmpty()) {
                replies.error(res, ErrorCode.ERROR_TASK_NOT_FOUND);
            } else {
                taskReply(res, read.get().task().get());
            }
            return;
        }
        Optional<Caller> caller =
                key == null ? Optional.empty() : deps.accounts().caller(key);
        if (caller.isEmpty()) {
            replies.error(res, ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
            return;
        }
        if (caller.get().suspended()) {
            replies.error(res, ErrorCode.ERROR_ACCOUNT_SUSPENDED);
            return;
        }
        if (idNode == null || idNode.isNull()) {
            replies.error(res, new Refusal(ErrorCode.ERROR_MISSING_REQUEST_DATA, "taskId is required"));
            return;
        }
        replies.error(res, ErrorCode.ERROR_TASK_NOT_FOUND);
    }

    private void taskReply(ServerResponse res, TaskView t) {
        switch (t.status()) {
            case "ready" -> {
                ObjectNode out = Json.MAPPER.createObjectNode().put("status", "ready");
                out.putObject("solution").put("token", t.token());
                out.put("cost", Money.format(t.cost() == null ? 0 : t.cost()))
                        .put("ip", t.clientIp())
                        .put("createTime", t.createdAt() / 1000)
                        .put("endTime", t.endedAt() / 1000)
                        .put("solveCount", t.solveCount());
                replies.ok(res, out);
            }
            case "failed" -> {
                ErrorCode code = ErrorCode.valueOf(t.errorCode());
                String description = t.errorDescription() == null ? code.description() : t.errorDescription();
                ObjectNode extra =
                        Json.MAPPER.createObjectNode().put("taskId", t.id()).put("status", "failed");
                replies.error(res, new Refusal(code, description), extra);
            }
            default -> replies.ok(res, Json.MAPPER.createObjectNode().put("status", "processing"));
        }
    }

    private void getBalance(ServerRequest req, ServerResponse res) {
        Signed signed = signed(req, res);
        if (signed == null) {
            return;
        }
        Caller caller = signed.caller();
        if (caller.suspended()) {
            replies.error(res, ErrorCode.ERROR_ACCOUNT_SUSPENDED);
            return;
        }
        var account = deps.accounts().account(caller.accountId()).orElseThrow();
        ObjectNode out =
                Json.MAPPER.createObjectNode().put("balance", Money.decimal(account.balance() - account.held()));
        if (caller.packageKey()) {
            deps.accounts().packageById(caller.packageId()).ifPresent(p -> out.set("package", packageState(p)));
        }
        replies.ok(res, out);
    }

    /** A package's plan and use as getBalance shows it; the admin API adds its ids and in-flight count. */
    public static ObjectNode packageState(AccountStore.PackageView p) {
        return Json.MAPPER
                .createObjectNode()
                .put("name", p.name())
                .put("threads", p.threads())
                .put("hourlyQuota", p.hourlyQuota())
                .put("hourlyUsed", p.hourlyUsed())
                .put("dailyQuota", p.dailyQuota())
                .put("dailyUsed", p.dailyUsed())
                .put("expiresAt", Instant.ofEpochMilli(p.expiresAt()).toString())
                .put("paused", p.paused());
    }

    /** A request's JSON object body and the live key that sent it. */
    private record Signed(JsonNode body, Caller caller) {}

    /**
     * Reads the body and finds its key; when either is missing, answers {@code ERROR_MISSING_REQUEST_DATA} or
     * {@code ERROR_KEY_DOES_NOT_EXIST} and returns null.
     */
    private Signed signed(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.readObject(req);
        if (body == null) {
            replies.error(res, ErrorCode.ERROR_MISSING_REQUEST_DATA);
            return null;
        }
        Optional<Caller> caller = caller(body);
        if (caller.isEmpty()) {
            replies.error(res, ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
            return null;
        }
        return new Signed(body, caller.get());
    }

    private Optional<Caller> caller(JsonNode body) {
        String key = clientKey(body);
        return key == null ? Optional.empty() : deps.accounts().caller(key);
    }

    /** The body's {@code clientKey} (or {@code ClientKey}), or null when missing, not a string, empty or too long. */
    private static String clientKey(JsonNode body) {
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
