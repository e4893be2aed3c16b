package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.account.Callers;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.http.OpenApi;
import dev.solvegate.server.intake.Intake;
import dev.solvegate.server.limit.Limits;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.task.NewTask;
import dev.solvegate.server.task.QueueStats;
import dev.solvegate.server.task.Reports;
import dev.solvegate.server.task.TaskEnds;
import dev.solvegate.server.task.TaskStates;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.template.TemplateStore;
import dev.solvegate.server.template.TemplateStore.Template;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
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
            LongConsumer onAccepted,
            TaskEnds ends,
            Canceller canceller,
            Reports reports,
            Metrics metrics,
            Function<Duration, QueueStats> queueStats,
            long priceMicros,
            Callers callers,
            TaskStates states) {}

    /** Ends a task of an account that has not ended (the engine's cancel); false when nothing was ended. */
    @FunctionalInterface
    public interface Canceller {
        boolean cancel(long accountId, long taskId);
    }

    private static final HeaderName IDEMPOTENT_REPLAYED = HeaderNames.create("Idempotent-Replayed");

    private final Deps deps;
    private final TaskFields fields;
    private final Replies replies;
    private final TaskMethods taskMethods;
    private final QueueStatsMethod queueStats;
    private final byte[] openApi = PublicOpenApi.document();

    public PublicApi(Deps deps) {
        this.deps = deps;
        this.fields = new TaskFields(deps.guard());
        this.replies = deps.replies();
        this.taskMethods = new TaskMethods(
                deps.states(),
                deps.callers(),
                deps.ends(),
                deps.canceller(),
                deps.reports(),
                deps.metrics(),
                deps.replies());
        this.queueStats = new QueueStatsMethod(deps.queueStats(), deps.priceMicros(), deps.clock(), deps.replies());
    }

    /** Adds the public routes (each also with a trailing slash). */
    void routing(HttpRouting.Builder r) {
        r.post("/createTask", this::createTask).post("/createTask/", this::createTask);
        taskMethods.routing(r);
        queueStats.routing(r);
        r.get("/openapi.json", (req, res) -> OpenApi.send(res, openApi));
        r.post("/getBalance", this::getBalance).post("/getBalance/", this::getBalance);
    }

    private void createTask(ServerRequest req, ServerResponse res) {
        Checked<JsonNode> body = Incoming.object(req);
        Checked<NewTask> fieldsRead = null;
        if (deps.tasks().oneTrip() && body instanceof Checked.Ok<JsonNode>(JsonNode json)) {
            OneTrip trip = oneTrip(req, json);
            if (trip.answer() != null) {
                Replies to = trip.answer().modeKnown()
                        ? replies.to(trip.answer().errorStatus())
                        : replies.to(Incoming.of(body, deps.accounts()).errorStatus());
                answer(res, to, trip.answer().answer());
                return;
            }
            fieldsRead = trip.fields();
        }
        Incoming in = Incoming.of(body, deps.accounts());
        answer(res, replies.to(in.errorStatus()), create(req, in, fieldsRead));
    }

    private void answer(ServerResponse res, Replies to, Checked<TaskStore.Admitted> answer) {
        switch (answer) {
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
     * The hot path on PostgreSQL: the checks that need no database first (the intake switch and the template from
     * this node's copies, the body, the fields and the {@code Idempotency-Key}), and when they all pass, the
     * key's authentication and the admission in one round trip ({@link TaskStore#admitByKey}), which answers in
     * SPEC order from step 3 on. @return the answer, or none when a check failed (then {@link #create} answers in
     * SPEC order, key first, at the cost of its queries; {@code fields} is the field check's result, if made)
     */
    private OneTrip oneTrip(ServerRequest req, JsonNode body) {
        String key = Incoming.clientKey(body);
        JsonNode task = body.get("task");
        if (key == null || task == null || !task.isObject() || !deps.intake().open()) {
            return new OneTrip(null, null);
        }
        Checked<NewTask> fields = this.fields.check(task, body.get("callbackUrl"));
        if (!(fields instanceof Checked.Ok<NewTask>(NewTask newTask))) {
            return new OneTrip(null, fields);
        }
        Checked<Optional<String>> idempotency =
                IdempotencyKey.read(req.headers().first(IdempotencyKey.HEADER), body.get("idempotencyKey"));
        if (!(idempotency instanceof Checked.Ok<Optional<String>>(Optional<String> idempotencyKey))) {
            return new OneTrip(null, fields);
        }
        Optional<Template> template = deps.templates().cached(newTask.websitePublicKey());
        if (template.isEmpty()) {
            return new OneTrip(null, fields);
        }
        boolean capacity = deps.solvers()
                .hasCapacity(template.get().solver(), template.get().settings());
        return new OneTrip(
                deps.tasks()
                        .admitByKey(
                                ApiKeys.hash(key),
                                newTask,
                                template.get(),
                                capacity,
                                clientIp(req),
                                idempotencyKey.orElse(null)),
                fields);
    }

    /** The one-trip path's answer (null: not decided there) and its field check (null: not made). */
    private record OneTrip(TaskStore.Keyed answer, Checked<NewTask> fields) {}

    /**
     * SPEC §1's checks in their order, the {@code Idempotency-Key} after the field rules (step 4); the task's id,
     * new or, for a key used before with the same task, the earlier one. {@code fieldsRead} is the field check
     * already made for this request, or null.
     */
    private Checked<TaskStore.Admitted> create(ServerRequest req, Incoming in, Checked<NewTask> fieldsRead) {
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
        Checked<NewTask> checked =
                fieldsRead != null ? fieldsRead : fields.check(task, s.body().get("callbackUrl"));
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
        Optional<Template> template = deps.templates().cached(newTask.websitePublicKey());
        if (template.isEmpty()) {
            return Checked.refused(ErrorCode.ERROR_TEMPLATE_NOT_FOUND);
        }
        boolean capacity = deps.solvers()
                .hasCapacity(template.get().solver(), template.get().settings());
        return deps.tasks()
                .admit(s.caller(), newTask, template.get(), capacity, clientIp(req), idempotencyKey.orElse(null));
    }

    /** getBalance: the key from the node's {@link Callers} (at most a second old), the balance fresh. */
    private void getBalance(ServerRequest req, ServerResponse res) {
        Incoming in = Incoming.read(req, deps.callers()::bySecret);
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

    private static String clientIp(ServerRequest req) {
        if (req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null) {
            return a.getAddress().getHostAddress();
        }
        return "unknown";
    }
}
