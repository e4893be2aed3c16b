package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.task.Reports;
import dev.solvegate.server.task.ResultBody;
import dev.solvegate.server.task.TaskEnds;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.task.TaskView;
import dev.solvegate.server.task.Tasks;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The methods about one existing task: getTaskResult (with its long-poll), cancelTask, reportIncorrect and
 * reportCorrect. Each finds the caller's
 * task the same way ({@link #lookup}: key, account, task in one query in the usual case) and answers in the
 * caller's error-status mode.
 *
 * <p>Long-poll: a request with {@code waitSeconds} registers with {@link TaskEnds} and reads the task again;
 * while it is still processing it parks (a virtual thread, no database connection) until the task's end is
 * signalled by this node's settlement or another node's {@code NOTIFY}, or the time is up, and then reads it
 * once more. No request polls the database while it waits.
 *
 * <p>Thread-safety: stateless apart from its collaborators, which are safe for concurrent use.
 */
final class TaskMethods {

    static final int MAX_WAIT_SECONDS = 30;
    private static final long MAX_TASK_ID = (1L << 53) - 1;
    private static final HeaderName X_CLIENT_KEY = HeaderNames.create("X-Client-Key");

    private final TaskStore tasks;
    private final AccountStore accounts;
    private final TaskEnds ends;
    private final PublicApi.Canceller canceller;
    private final Reports reports;
    private final Metrics metrics;
    private final Replies replies;

    TaskMethods(
            TaskStore tasks,
            AccountStore accounts,
            TaskEnds ends,
            PublicApi.Canceller canceller,
            Reports reports,
            Metrics metrics,
            Replies replies) {
        this.tasks = tasks;
        this.accounts = accounts;
        this.ends = ends;
        this.canceller = canceller;
        this.reports = reports;
        this.metrics = metrics;
        this.replies = replies;
    }

    void routing(HttpRouting.Builder r) {
        r.post("/getTaskResult", this::getTaskResult).post("/getTaskResult/", this::getTaskResult);
        r.get("/getTaskResult/{taskId}", this::getTaskResultByPath);
        r.post("/cancelTask", this::cancelTask).post("/cancelTask/", this::cancelTask);
        for (String incorrect : new String[] {"/reportIncorrect", "/reportIncorrectTokenCaptcha"}) {
            r.post(incorrect, (req, res) -> report(req, res, Reports.Verdict.INCORRECT));
            r.post(incorrect + "/", (req, res) -> report(req, res, Reports.Verdict.INCORRECT));
        }
        r.post("/reportCorrect", (req, res) -> report(req, res, Reports.Verdict.CORRECT));
        r.post("/reportCorrect/", (req, res) -> report(req, res, Reports.Verdict.CORRECT));
    }

    /** What a request about one task found: the replies in the caller's mode, and the task or a refusal. */
    record Lookup(Replies to, long accountId, String keyHash, Checked<TaskView> task) {}

    private void getTaskResult(ServerRequest req, ServerResponse res) {
        switch (Incoming.object(req)) {
            case Checked.Ok<JsonNode>(JsonNode body) ->
                taskResult(res, Incoming.clientKey(body), body.get("taskId"), body.get("waitSeconds"));
            case Checked.Refused<JsonNode>(Refusal refusal) -> replies.refuse(res, refusal);
        }
    }

    private void getTaskResultByPath(ServerRequest req, ServerResponse res) {
        String key = req.headers().first(X_CLIENT_KEY).orElse(null);
        var factory = Json.MAPPER.getNodeFactory();
        JsonNode wait = req.query().first("waitSeconds").map(factory::textNode).orElse(null);
        taskResult(res, key, factory.textNode(req.path().pathParameters().get("taskId")), wait);
    }

    private void taskResult(ServerResponse res, String key, JsonNode idNode, JsonNode waitNode) {
        Checked<Integer> wait = waitSeconds(waitNode);
        Lookup found = lookup(key, idNode, wait);
        if (!(found.task() instanceof Checked.Ok<TaskView>(TaskView task))) {
            found.to().refuse(res, ((Checked.Refused<TaskView>) found.task()).refusal());
            return;
        }
        int seconds = ((Checked.Ok<Integer>) wait).value();
        Optional<TaskView> answer = processing(task) && seconds > 0
                ? awaitEnd(found.keyHash(), task.id(), Duration.ofSeconds(seconds))
                : Optional.of(task);
        if (answer.isEmpty()) {
            found.to().refuse(res, ErrorCode.ERROR_TASK_NOT_FOUND);
            return;
        }
        taskReply(found.to(), res, answer.get());
    }

    /** Waits up to {@code max} for the task to end; the task as read last (empty if it is gone meanwhile). */
    private Optional<TaskView> awaitEnd(String keyHash, long id, Duration max) {
        long end = System.nanoTime() + max.toNanos();
        try (TaskEnds.Waiter waiter = ends.watch(id)) {
            Optional<TaskView> t = reread(keyHash, id);
            while (t.isPresent() && processing(t.get())) {
                long left = end - System.nanoTime();
                if (left <= 0 || !waiter.await(Duration.ofNanos(left))) {
                    return reread(keyHash, id);
                }
                t = reread(keyHash, id);
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return reread(keyHash, id);
        }
    }

    private Optional<TaskView> reread(String keyHash, long id) {
        return tasks.resultForKey(keyHash, id).flatMap(Tasks.KeyedResult::task);
    }

    private static boolean processing(TaskView t) {
        return !t.status().equals("ready") && !t.status().equals("failed");
    }

    private static void taskReply(Replies to, ServerResponse res, TaskView t) {
        switch (t.status()) {
            case "ready" -> to.okBody(res, ResultBody.ready(t));
            case "failed" -> to.failedTask(res, ResultBody.failure(t), ResultBody.failed(t));
            default -> to.ok(res, Json.MAPPER.createObjectNode().put("status", "processing"));
        }
    }

    private void cancelTask(ServerRequest req, ServerResponse res) {
        Checked<JsonNode> body = Incoming.object(req);
        if (!(body instanceof Checked.Ok<JsonNode>(JsonNode json))) {
            replies.refuse(res, ((Checked.Refused<JsonNode>) body).refusal());
            return;
        }
        Lookup found = lookup(Incoming.clientKey(json), json.get("taskId"), Checked.ok(0));
        switch (found.task()) {
            case Checked.Refused<TaskView>(Refusal refusal) -> found.to().refuse(res, refusal);
            case Checked.Ok<TaskView>(TaskView task) -> {
                if (processing(task)) {
                    canceller.cancel(found.accountId(), task.id());
                }
                found.to().ok(res, Json.MAPPER.createObjectNode());
            }
        }
    }

    /**
     * reportIncorrect (alias reportIncorrectTokenCaptcha) and reportCorrect: {@code {"errorId":0,"status":
     * "success"}} for a ready task of the caller within its retention, the first verdict recorded and counted,
     * a repeat changing nothing; anything else {@code ERROR_TASK_NOT_FOUND}.
     */
    private void report(ServerRequest req, ServerResponse res, Reports.Verdict verdict) {
        Checked<JsonNode> body = Incoming.object(req);
        if (!(body instanceof Checked.Ok<JsonNode>(JsonNode json))) {
            replies.refuse(res, ((Checked.Refused<JsonNode>) body).refusal());
            return;
        }
        Lookup found = lookup(Incoming.clientKey(json), json.get("taskId"), Checked.ok(0));
        if (!(found.task() instanceof Checked.Ok<TaskView>(TaskView task))) {
            found.to().refuse(res, ((Checked.Refused<TaskView>) found.task()).refusal());
            return;
        }
        switch (reports.report(found.accountId(), task.id(), verdict)) {
            case Reports.Reported.NotFound() -> found.to().refuse(res, ErrorCode.ERROR_TASK_NOT_FOUND);
            case Reports.Reported.First(String solver, long refunded) -> {
                metrics.reported(solver, verdict.name().toLowerCase(java.util.Locale.ROOT));
                found.to().ok(res, Json.MAPPER.createObjectNode().put("status", "success"));
            }
            case Reports.Reported.Repeated() ->
                found.to().ok(res, Json.MAPPER.createObjectNode().put("status", "success"));
        }
    }

    /**
     * The caller's task, checked in this order: key unknown or revoked ({@code ERROR_KEY_DOES_NOT_EXIST}),
     * account suspended, {@code taskId} missing ({@code ERROR_MISSING_REQUEST_DATA}), then {@code params} (the
     * method's own parameters), then unknown, another account's or past its retention ({@code
     * ERROR_TASK_NOT_FOUND}). The usual case, a key and a well-formed id, takes one query.
     */
    Lookup lookup(String key, JsonNode idNode, Checked<?> params) {
        long id = idNode == null || idNode.isNull() ? 0 : taskId(idNode);
        if (key == null) {
            return new Lookup(replies, 0, null, Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST));
        }
        String hash = ApiKeys.hash(key);
        if (id > 0) {
            Optional<Tasks.KeyedResult> read = tasks.resultForKey(hash, id);
            if (read.isEmpty()) {
                return new Lookup(replies, 0, hash, Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST));
            }
            Tasks.KeyedResult r = read.get();
            Replies to = replies.to(r.errorStatus());
            Checked<TaskView> task = r.suspended()
                    ? Checked.refused(ErrorCode.ERROR_ACCOUNT_SUSPENDED)
                    : params instanceof Checked.Refused<?> p
                            ? p.refusedAs()
                            : r.task()
                                    .<Checked<TaskView>>map(Checked::ok)
                                    .orElseGet(() -> Checked.refused(ErrorCode.ERROR_TASK_NOT_FOUND));
            return new Lookup(to, r.accountId(), hash, task);
        }
        Optional<Caller> caller = accounts.caller(key);
        if (caller.isEmpty()) {
            return new Lookup(replies, 0, hash, Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST));
        }
        Replies to = replies.to(caller.get().errorStatus());
        Checked<TaskView> refusal;
        if (caller.get().suspended()) {
            refusal = Checked.refused(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        } else if (idNode == null || idNode.isNull()) {
            refusal = Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, "taskId is required");
        } else if (params instanceof Checked.Refused<?> p) {
            refusal = p.refusedAs();
        } else {
            refusal = Checked.refused(ErrorCode.ERROR_TASK_NOT_FOUND);
        }
        return new Lookup(to, caller.get().accountId(), hash, refusal);
    }

    /**
     * {@code waitSeconds}: missing or null is 0; an integer (a number, or a string of digits as the GET form's
     * query gives it) from 0, where larger values count as {@value #MAX_WAIT_SECONDS}; anything else (negative,
     * fractional, not a number) is {@code ERROR_MISSING_REQUEST_DATA}.
     */
    static Checked<Integer> waitSeconds(JsonNode n) {
        if (n == null || n.isNull()) {
            return Checked.ok(0);
        }
        if (n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0) {
            return Checked.ok((int) Math.min(MAX_WAIT_SECONDS, n.asLong()));
        }
        if (n.isIntegralNumber() && n.asText().matches("\\d+")) {
            return Checked.ok(MAX_WAIT_SECONDS); // beyond a long, still not negative
        }
        if (n.isTextual() && n.asText().matches("\\d{1,18}")) {
            return Checked.ok((int) Math.min(MAX_WAIT_SECONDS, Long.parseLong(n.asText())));
        }
        if (n.isTextual() && n.asText().matches("\\d{19,}")) {
            return Checked.ok(MAX_WAIT_SECONDS);
        }
        return Checked.refused(
                ErrorCode.ERROR_MISSING_REQUEST_DATA,
                "waitSeconds must be an integer from 0 to " + MAX_WAIT_SECONDS + ": "
                        + TaskFields.abbreviate(n.toString()));
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
}
