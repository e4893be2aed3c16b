package dev.solvegate.server.engine;

import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.limit.Slots;
import dev.solvegate.server.task.TaskView;
import dev.solvegate.server.task.Tasks;
import java.time.Clock;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * Ends tasks and bills them, exactly once.
 *
 * <p>Design note: one transaction locks the task row with a guard that says who may end it (the node
 * holding its lease, the sweeper for an overdue or orphaned task, or the client cancelling a task of its
 * account: {@link Tasks.Guard}). When the guard no
 * longer matches, somebody else already ended or took the task and nothing is written. Otherwise the task
 * becomes {@code ready} or {@code failed}; its thread slots are given back ({@link Slots#giveBack}, package
 * then account: the admission's lock order, so the two never deadlock); and its hold is either captured into
 * a {@code charge} ledger row ({@link Ledger#capture}, whose unique {@code task_id} would refuse a second
 * charge even if the guard were wrong) or released. Balance moves only with a ledger row, in the same
 * transaction. Conflicts (40001, 40P01, lock timeouts) are retried a bounded number of times; after that the
 * task stays under its lease, and the lease sweep ends it later. Every end is also told to all nodes once it
 * committed ({@link EndNotices}), so long-polls answer and a solver running elsewhere for a cancelled task stops;
 * a task with a {@code callbackUrl} gets its callback written into the outbox in the same transaction
 * ({@link Outbox}, delivered by {@link Callbacks}).
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
final class Settlement {

    /** A task as it ended, for the callback and metrics. */
    record Ended(TaskView view, String callbackUrl) {
        /** {@code ready}, or the error code: the label of the task-end metrics. */
        String label() {
            return view.errorCode() == null ? "ready" : view.errorCode();
        }
    }

    private final DbSlots db;
    private final Clock clock;
    private final Consumer<Ended> onEnded;

    /** @param onEnded told of every task this settlement ends, after its transaction committed */
    Settlement(DbSlots db, Clock clock, Consumer<Ended> onEnded) {
        this.db = db;
        this.clock = clock;
        this.onEnded = onEnded;
    }

    /**
     * Ends task {@code id} with {@code outcome} if {@code guard} still holds; false when it did not (the task
     * was ended or taken by someone else). Database failures other than bounded-retry conflicts propagate.
     */
    boolean settle(long id, Outcome outcome, Tasks.Guard guard) {
        Ended ended = db.retrying(h -> settleIn(h, id, outcome, guard));
        if (ended == null) {
            return false;
        }
        onEnded.accept(ended);
        return true;
    }

    private Ended settleIn(Handle h, long id, Outcome outcome, Tasks.Guard guard) {
        var locked = Tasks.lockForEnd(h, id, guard);
        if (locked.isEmpty()) {
            return null;
        }
        Tasks.Ending t = locked.get();
        long now = clock.millis();
        String token = outcome instanceof Outcome.Solved s ? s.token() : null;
        Long cost = token != null ? t.hold() : null;
        String code = outcome instanceof Outcome.Failed f ? f.code().name() : null;
        String description = outcome instanceof Outcome.Failed f ? f.description() : null;
        Tasks.end(h, id, t, now, token, cost, code, description);
        Slots.giveBack(h, t.accountId(), t.packageId());
        if (token != null) {
            Ledger.capture(h, t.accountId(), id, t.hold(), now);
        } else {
            Ledger.release(h, t.accountId(), t.hold());
        }
        TaskView view = new TaskView(
                id,
                token != null ? "ready" : "failed",
                token,
                cost,
                t.clientIp(),
                t.createdAt(),
                now,
                t.solveCount(),
                code,
                description);
        if (t.callbackUrl() != null) {
            Outbox.enqueue(
                    h, id, t.accountId(), t.callbackUrl(), Callbacks.body(view).toString(), now);
        }
        return new Ended(view, t.callbackUrl());
    }
}
