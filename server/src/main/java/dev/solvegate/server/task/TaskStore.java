package dev.solvegate.server.task;

import dev.solvegate.server.account.Caller;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.limit.Limits;
import dev.solvegate.server.limit.Slots;
import dev.solvegate.server.store.DatabaseFaults;
import dev.solvegate.server.store.Transactions;
import dev.solvegate.server.template.TemplateStore.Template;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Admits tasks and reads their results.
 *
 * <p>Admission is one transaction: lock the package row (if any), then the account row ({@link Slots}); let
 * {@link Limits#admit} decide over them; and only when it admits, take the thread slot and quota, place the
 * hold ({@link Ledger#hold}) and insert the task ({@link Tasks#insert}). Because the decision reads rows that
 * stay locked until commit, the limits hold exactly across threads and nodes; a refusal writes nothing.
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
public final class TaskStore {

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration taskTimeout;
    private final Duration resultTtl;

    public TaskStore(Jdbi jdbi, Clock clock, Duration taskTimeout, Duration resultTtl) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.taskTimeout = taskTimeout;
        this.resultTtl = resultTtl;
    }

    /**
     * Admits {@code task} for {@code caller}, or refuses it with the first limit it breaks (SPEC §1 steps 6–9);
     * the new task's id when admitted. Conflicts are retried a bounded number of times, then answered with
     * {@code ERROR_DATABASE_BALANCE}; other database failures propagate.
     *
     * @param solverHasCapacity the template's solver's answer, asked before the transaction so that no plugin
     *     code runs while rows are locked; it decides only when every other check passed
     */
    public Checked<Long> admit(
            Caller caller, NewTask task, Template template, boolean solverHasCapacity, String clientIp) {
        String request = TaskCodec.encode(task);
        try {
            return Transactions.retrying(
                    jdbi, h -> admitIn(h, caller, template, solverHasCapacity, clientIp, request, task.callbackUrl()));
        } catch (RuntimeException e) {
            if (DatabaseFaults.retryableConflict(e) && !DatabaseFaults.unreachable(e)) {
                return Checked.refused(ErrorCode.ERROR_DATABASE_BALANCE);
            }
            throw e;
        }
    }

    private Checked<Long> admitIn(
            Handle h,
            Caller caller,
            Template template,
            boolean capacity,
            String clientIp,
            String request,
            String callbackUrl) {
        long now = clock.millis();
        Limits.PackageRow pkg = caller.packageKey() ? Slots.lockPackage(h, caller.packageId()) : null;
        Limits.AccountRow account = Slots.lockAccount(h, caller.accountId());
        return switch (Limits.admit(pkg, account, capacity, now)) {
            case Checked.Refused<Limits.Admit>(var refusal) -> new Checked.Refused<>(refusal);
            case Checked.Ok<Limits.Admit>(Limits.Admit admit) -> {
                Slots.take(h, caller.accountId(), caller.packageId(), pkg, now);
                Ledger.hold(h, caller.accountId(), admit.hold());
                long id = Tasks.insert(
                        h,
                        new Tasks.NewRow(
                                caller.accountId(),
                                caller.keyId(),
                                caller.packageId(),
                                template.solver(),
                                template.settings(),
                                request,
                                admit.hold(),
                                admit.price(),
                                clientIp,
                                callbackUrl,
                                now,
                                now + taskTimeout.toMillis()));
                Tasks.notifyWorkers(h);
                yield Checked.ok(id);
            }
        };
    }

    /**
     * What getTaskResult needs, in one query: the live key with hash {@code keyHash}, whether its account is
     * suspended, and its task {@code id} unless unknown, another account's or past its retention. Empty when
     * the key is unknown or revoked. Key and account state are read fresh, so revocation and suspension take
     * effect on the next request on every node.
     */
    public Optional<Tasks.KeyedResult> resultForKey(String keyHash, long id) {
        long now = clock.millis();
        return jdbi.withHandle(h -> Tasks.resultForKey(h, keyHash, id))
                .map(r -> new Tasks.KeyedResult(
                        r.suspended(), r.errorStatus(), r.task().filter(t -> retained(t, now))));
    }

    /** Up to {@code limit} of an account's tasks whose results are still kept, newest first. */
    public List<Tasks.Recent> recent(long accountId, int limit) {
        long endedAfter = clock.millis() - resultTtl.toMillis();
        return jdbi.withHandle(h -> Tasks.recent(h, accountId, endedAfter, limit));
    }

    private boolean retained(TaskView t, long now) {
        return t.retainedAt(now, resultTtl.toMillis());
    }
}
