package dev.solvegate.server.task;

import dev.solvegate.server.account.Caller;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.ErrorStatus;
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
 * <p>On PostgreSQL the same admission, key authentication included, is one statement ({@link #admitByKey},
 * {@link OneTripAdmission}): one round trip instead of about ten. On H2, in the process, the transaction above
 * costs no round trips and stays.
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
public final class TaskStore {

    /**
     * An accepted createTask: the task's id, and whether it was accepted before with the same
     * {@code Idempotency-Key} (a replay, which changed nothing).
     */
    public record Admitted(long taskId, boolean replayed) {}

    /** The refusal of an {@code Idempotency-Key} used before with another task. */
    public static final String KEY_REUSED = "Idempotency-Key was used with a different task";

    /** The one-round-trip admission's statement ({@link #admitByKey}), for the storage benchmark. */
    public static final String ONE_TRIP_CALL = OneTripAdmission.CALL;

    /**
     * What {@link #admitByKey} answered: the admission or refusal, and the error-status mode of the key's account
     * to answer in (null: the node's), unless {@code modeKnown} is false (a conflict answered before the account
     * was read: the caller looks the key up for it on that error path).
     */
    public record Keyed(Checked<Admitted> answer, ErrorStatus errorStatus, boolean modeKnown) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration taskTimeout;
    private final Duration resultTtl;
    private final Duration idempotencyTtl;
    private final boolean oneTrip;

    public TaskStore(Jdbi jdbi, Clock clock, Duration taskTimeout, Duration resultTtl) {
        this(jdbi, clock, taskTimeout, resultTtl, Duration.ofHours(24));
    }

    /** @param idempotencyTtl how long an {@code Idempotency-Key} is remembered ({@code SOLVEGATE_IDEMPOTENCY_TTL}) */
    public TaskStore(Jdbi jdbi, Clock clock, Duration taskTimeout, Duration resultTtl, Duration idempotencyTtl) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.taskTimeout = taskTimeout;
        this.resultTtl = resultTtl;
        this.idempotencyTtl = idempotencyTtl;
        this.oneTrip = jdbi.withHandle(Transactions::postgres);
    }

    /** Whether {@link #admitByKey} is this database's admission (PostgreSQL); else {@link #admit} (H2). */
    public boolean oneTrip() {
        return oneTrip;
    }

    /**
     * Authenticates the key whose secret hashes to {@code keyHash} and admits {@code task} for it, in one round
     * trip (PostgreSQL only, {@link #oneTrip}): SPEC §1 step 3 (unknown or revoked key, suspended account,
     * paused or expired package), then the {@code Idempotency-Key} (or null) as {@link #admit(Caller, NewTask,
     * Template, boolean, String, String)} decides it, then steps 6–9; the caller has passed the checks before,
     * and those between (fields, template), in SPEC order. Conflicts are retried a bounded number of times, then
     * answered with {@code ERROR_DATABASE_BALANCE}; other database failures propagate.
     */
    public Keyed admitByKey(
            String keyHash,
            NewTask task,
            Template template,
            boolean solverHasCapacity,
            String clientIp,
            String idempotencyKey) {
        if (!oneTrip) {
            throw new IllegalStateException("the one-trip admission runs on PostgreSQL only");
        }
        long now = clock.millis();
        long since = now - idempotencyTtl.toMillis();
        var call = new OneTripAdmission.Call(
                keyHash,
                template.solver(),
                template.settings(),
                TaskCodec.encode(task),
                clientIp,
                task.callbackUrl(),
                solverHasCapacity,
                now,
                now + taskTimeout.toMillis(),
                idempotencyKey,
                idempotencyKey == null ? null : IdempotencyKeys.fingerprint(task),
                since);
        for (int tries = 1; ; tries++) {
            try {
                OneTripAdmission.Answer a = Transactions.retryingStatement(jdbi, h -> OneTripAdmission.run(h, call));
                return new Keyed(a.answer(), a.errorStatus(), true);
            } catch (RuntimeException e) {
                if (idempotencyKey != null && tries == 1 && IdempotencyKeys.duplicate(e)) {
                    continue; // another request recorded the key first: the next try answers its task
                }
                if (DatabaseFaults.retryableConflict(e) && !DatabaseFaults.unreachable(e)) {
                    return new Keyed(Checked.refused(ErrorCode.ERROR_DATABASE_BALANCE), null, false);
                }
                throw e;
            }
        }
    }

    /**
     * What an {@code Idempotency-Key} of the caller already stands for, read without locks: empty when it is new
     * (or forgotten), the earlier task when the fingerprint matches, else the refusal of a reused key. The
     * admission checks again under the account's lock, so this only saves work; it decides nothing alone.
     */
    public Optional<Checked<Admitted>> replay(Caller caller, String idempotencyKey, NewTask task) {
        long since = clock.millis() - idempotencyTtl.toMillis();
        return jdbi.withHandle(h -> IdempotencyKeys.find(h, caller.accountId(), idempotencyKey, since))
                .map(r -> replayOf(r, IdempotencyKeys.fingerprint(task)));
    }

    private static Checked<Admitted> replayOf(IdempotencyKeys.Recorded r, String fingerprint) {
        return r.fingerprint().equals(fingerprint)
                ? Checked.ok(new Admitted(r.taskId(), true))
                : Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, KEY_REUSED);
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
        return switch (admit(caller, task, template, solverHasCapacity, clientIp, null)) {
            case Checked.Ok<Admitted>(Admitted a) -> Checked.ok(a.taskId());
            case Checked.Refused<Admitted> r -> r.refusedAs();
        };
    }

    /**
     * As {@link #admit(Caller, NewTask, Template, boolean, String)}, with an {@code Idempotency-Key} (or null):
     * under the account's row lock, a key already recorded for the account answers its task (the same
     * fingerprint) or a refusal (another), writing nothing; a new key is recorded with the task, in the same
     * transaction. Concurrent requests with one key, on any nodes, thus admit one task; the table's primary key
     * refuses a second record even if the lock order were broken, and the request then answers the winner's task.
     */
    public Checked<Admitted> admit(
            Caller caller,
            NewTask task,
            Template template,
            boolean solverHasCapacity,
            String clientIp,
            String idempotencyKey) {
        String request = TaskCodec.encode(task);
        Idempotency idem = idempotencyKey == null
                ? null
                : new Idempotency(
                        idempotencyKey, IdempotencyKeys.fingerprint(task), clock.millis() - idempotencyTtl.toMillis());
        for (int tries = 1; ; tries++) {
            try {
                return Transactions.retrying(
                        jdbi,
                        h -> admitIn(
                                h, caller, template, solverHasCapacity, clientIp, request, task.callbackUrl(), idem));
            } catch (RuntimeException e) {
                if (idem != null && tries == 1 && IdempotencyKeys.duplicate(e)) {
                    continue; // another request recorded the key first: the next try answers its task
                }
                if (DatabaseFaults.retryableConflict(e) && !DatabaseFaults.unreachable(e)) {
                    return Checked.refused(ErrorCode.ERROR_DATABASE_BALANCE);
                }
                throw e;
            }
        }
    }

    /** An Idempotency-Key as admission needs it; {@code since} is the oldest record that still counts. */
    private record Idempotency(String key, String fingerprint, long since) {}

    private Checked<Admitted> admitIn(
            Handle h,
            Caller caller,
            Template template,
            boolean capacity,
            String clientIp,
            String request,
            String callbackUrl,
            Idempotency idem) {
        long now = clock.millis();
        Limits.PackageRow pkg = caller.packageKey() ? Slots.lockPackage(h, caller.packageId()) : null;
        Limits.AccountRow account = Slots.lockAccount(h, caller.accountId());
        if (idem != null) {
            Optional<IdempotencyKeys.Recorded> seen =
                    IdempotencyKeys.find(h, caller.accountId(), idem.key(), idem.since());
            if (seen.isPresent()) {
                return replayOf(seen.get(), idem.fingerprint());
            }
        }
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
                if (idem != null) {
                    IdempotencyKeys.record(
                            h, caller.accountId(), idem.key(), idem.fingerprint(), id, now, idem.since());
                }
                yield Checked.ok(new Admitted(id, false));
            }
        };
    }

    /** Up to {@code limit} of an account's tasks whose results are still kept, newest first. */
    public List<Tasks.Recent> recent(long accountId, int limit) {
        long endedAfter = clock.millis() - resultTtl.toMillis();
        return jdbi.withHandle(h -> Tasks.recent(h, accountId, endedAfter, limit));
    }
}
