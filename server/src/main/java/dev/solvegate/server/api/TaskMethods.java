package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.account.Callers;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.task.Reports;
import dev.solvegate.server.task.TaskEnds;
import dev.solvegate.server.task.TaskStates;
import dev.solvegate.server.task.TaskStates.Known;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The methods about one existing task: getTaskResult (with its long-poll), cancelTask, reportIncorrect and
 * reportCorrect. Each finds the caller's task the same way ({@link #lookup}: the key from the node's {@link
 * Callers}, the task from its {@link TaskStates}, the database only for what this node does not know) and
 * answers in the caller's error-status mode.
 *
 * <p>Long-poll: a request with {@code waitSeconds} registers with {@link TaskEnds} and reads the task again;
 * while it is still processing it parks (a virtual thread, no database connection) until the task's end is
 * signalled by this node's settlement or another node's {@code NOTIFY}, or the time is up, and then reads it
 * once more (the signal has already dropped the task's pending state, so that read asks the database). No
 * request polls the database while it waits.
 *
 * <p>Thread-safety: stateless apart from its collaborators, which are safe for concurrent use.
 */
final class TaskMethods {

    static final int MAX_WAIT_SECONDS = 30;
    private static final long MAX_TASK_ID = (1L << 53) - 1;
    private static final HeaderName X_CLIENT_KEY = HeaderNames.create("X-Client-Key");

    private final TaskStates states;
    private final Callers callers;
    private final TaskEnds ends;
    private final PublicApi.Canceller canceller;
    private final Reports reports;
    private final Metrics metrics;
    private final Replies replies;

    TaskMethods(
            TaskStates states,
            Callers callers,
            TaskEnds ends,
            PublicApi.Canceller canceller,
            Reports reports,
            Metrics metrics,
            Replies replies) {
        this.states = states;
        this.callers = callers;
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

    /**
     * What a request about one task found: the replies in the caller's mode, the caller's account and key hash,
     * and the task or a refusal.
     */
    record Lookup(Replies to, long accountId, String keyHash, Checked<Known> task) {}

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
        Checked<Integer> wait = waitNode == null ? NO_WAIT : waitSeconds(waitNode);
        Lookup found = lookup(key, idNode, wait);
        if (!(found.task() instanceof Checked.Ok<Known>(Known task))) {
            found.to().refuse(res, ((Checked.Refused<Known>) found.task()).refusal());
            return;
        }
        int seconds = ((Checked.Ok<Integer>) wait).value();
        Optional<Known> answer =
                !task.ended() && seconds > 0 ? awaitEnd(found, Duration.ofSeconds(seconds), idNode) : Optional.of(task);
        if (answer.isEmpty()) {
            found.to().refuse(res, ErrorCode.ERROR_TASK_NOT_FOUND);
            return;
        }
        taskReply(found.to(), res, answer.get());
    }

    private static final Checked<Integer> NO_WAIT = Checked.ok(0);

    /** Waits up to {@code max} for the task to end; the task as read last (empty if it is gone meanwhile). */
    private Optional<Known> awaitEnd(Lookup found, Duration max, JsonNode idNode) {
        long id = taskId(idNode);
        long end = System.nanoTime() + max.toNanos();
        try (TaskEnds.Waiter waiter = ends.watch(id)) {
            Optional<Known> t = reread(found, id);
            while (t.isPresent() && !t.get().ended()) {
                long left = end - System.nanoTime();
                if (left <= 0 || !waiter.await(Duration.ofNanos(left))) {
                    return reread(found, id);
                }
                t = reread(found, id);
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return reread(found, id);
        }
    }

    /**
     * The task again, through the node's view (which an end told here has already updated); empty when the key
     * was revoked meanwhile.
     */
    private Optional<Known> reread(Lookup found, long id) {
        return callers.byHash(found.keyHash()).isEmpty() ? Optional.empty() : states.find(found.accountId(), id);
    }

    private static void taskReply(Replies to, ServerResponse res, Known t) {
        if (t.failure() != null) {
            to.failedTaskBytes(res, t.failure(), t.body());
        } else {
            to.okBytes(res, t.body());
        }
    }

    private void cancelTask(ServerRequest req, ServerResponse res) {
        Checked<JsonNode> body = Incoming.object(req);
        if (!(body instanceof Checked.Ok<JsonNode>(JsonNode json))) {
            replies.refuse(res, ((Checked.Refused<JsonNode>) body).refusal());
            return;
        }
        JsonNode idNode = json.get("taskId");
        Lookup found = lookup(Incoming.clientKey(json), idNode, NO_WAIT);
        switch (found.task()) {
            case Checked.Refused<Known>(Refusal refusal) -> found.to().refuse(res, refusal);
            case Checked.Ok<Known>(Known task) -> {
                if (!task.ended()) {
                    // guarded in the database: a task that ended meanwhile (or on another node) is left alone
                    canceller.cancel(found.accountId(), taskId(idNode));
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
        JsonNode idNode = json.get("taskId");
        Lookup found = lookup(Incoming.clientKey(json), idNode, NO_WAIT);
        if (!(found.task() instanceof Checked.Ok<Known>)) {
            found.to().refuse(res, ((Checked.Refused<Known>) found.task()).refusal());
            return;
        }
        switch (reports.report(found.accountId(), taskId(idNode), verdict)) {
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
     * ERROR_TASK_NOT_FOUND}). The key comes from the node's {@link Callers} (at most a second old, dropped at
     * every operator change), the task from its {@link TaskStates}: a poll of a task this node knows takes no
     * database trip.
     */
    Lookup lookup(String key, JsonNode idNode, Checked<?> params) {
        if (key == null) {
            return new Lookup(replies, 0, null, Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST));
        }
        String hash = ApiKeys.hash(key);
        Optional<Caller> caller = callers.byHash(hash);
        if (caller.isEmpty()) {
            return new Lookup(replies, 0, hash, Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST));
        }
        Caller c = caller.get();
        Replies to = replies.to(c.errorStatus());
        long id = idNode == null || idNode.isNull() ? 0 : taskId(idNode);
        Checked<Known> task;
        if (c.suspended()) {
            task = Checked.refused(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        } else if (idNode == null || idNode.isNull()) {
            task = Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, "taskId is required");
        } else if (params instanceof Checked.Refused<?> p) {
            task = p.refusedAs();
        } else if (id <= 0) {
            task = Checked.refused(ErrorCode.ERROR_TASK_NOT_FOUND);
        } else {
            task = states.find(c.accountId(), id)
                    .<Checked<Known>>map(Checked::ok)
                    .orElseGet(() -> Checked.refused(ErrorCode.ERROR_TASK_NOT_FOUND));
        }
        return new Lookup(to, c.accountId(), hash, task);
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
