package dev.solvegate.server.engine;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Ends tasks and bills them, exactly once.
 *
 * <p>Design note: one transaction locks the task row with a guard that says who may end it (the node
 * holding its lease, or the sweeper for an overdue or orphaned task). When the guard no longer matches,
 * somebody else already ended or took the task and nothing is written. Otherwise the task becomes
 * {@code ready} or {@code failed}, then the package row and the account row are updated in the admission's
 * lock order (package, then account) so the two never deadlock: the thread slots are given back, the hold is
 * released, and for a ready task the hold is captured into a {@code charge} ledger row whose unique
 * {@code task_id} would refuse a second charge even if the guard were wrong. Balance moves only with a
 * ledger row, in the same transaction. Conflicts (40001, 40P01, lock timeouts) are retried a bounded number
 * of times; after that the task stays under its lease, and the lease sweep ends it later.
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
final class Settlement {

    /** Who may end a task: a SQL condition on the task row and its parameters. */
    record Guard(String condition, Map<String, Object> params) {
        /** The node holding the task's lease. */
        static Guard owner(String owner) {
            return new Guard("status = 'solving' AND lease_owner = :owner", Map.of("owner", owner));
        }

        /** The sweeper, for a queued task past its deadline. */
        static Guard overdue(long now) {
            return new Guard("status = 'queued' AND deadline <= :now", Map.of("now", now));
        }

        /** The sweeper, for a solving task whose node's lease ran out. */
        static Guard orphaned(long now) {
            return new Guard(TaskQueue.ORPHANED, Map.of("now", now));
        }
    }

    /** A task as it ended, for the callback and metrics. {@code token} and {@code cost} are null unless ready. */
    record Ended(
            long id,
            Outcome outcome,
            Long cost,
            String clientIp,
            String callbackUrl,
            long createdAt,
            long endedAt,
            int solveCount) {}

    private final Jdbi jdbi;
    private final Clock clock;

    Settlement(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Ends task {@code id} with {@code outcome} if {@code guard} still holds; empty when it did not (the task
     * was ended or taken by someone else). Database failures other than bounded-retry conflicts propagate.
     */
    Optional<Ended> settle(long id, Outcome outcome, Guard guard) {
        return Conflicts.retry(() -> jdbi.inTransaction(h -> settleIn(h, id, outcome, guard)));
    }

    private Optional<Ended> settleIn(Handle h, long id, Outcome outcome, Guard guard) {
        var row = h.createQuery(
                        "SELECT account_id, package_id, hold, client_ip, callback_url, created_at, solve_count FROM tasks"
                                + " WHERE id = :id AND " + guard.condition() + " FOR UPDATE")
                .bind("id", id)
                .bindMap(guard.params())
                .mapToMap()
                .findOne();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        var t = row.get();
        long now = clock.millis();
        long accountId = ((Number) t.get("account_id")).longValue();
        Number packageId = (Number) t.get("package_id");
        long hold = ((Number) t.get("hold")).longValue();
        boolean ready = outcome instanceof Outcome.Solved;
        Long cost = ready ? hold : null;
        h.createUpdate("""
            UPDATE tasks SET status = :status, ended_at = :now, token = :token, cost = :cost, error_code = :code,
              error_description = :description, lease_owner = NULL WHERE id = :id
            """)
                .bind("status", ready ? "ready" : "failed")
                .bind("now", now)
                .bind("token", outcome instanceof Outcome.Solved s ? s.token() : null)
                .bind("cost", cost)
                .bind("code", outcome instanceof Outcome.Failed f ? f.code().name() : null)
                .bind(
                        "description",
                        outcome instanceof Outcome.Failed f ? f.code().description() : null)
                .bind("id", id)
                .execute();
        if (packageId != null) {
            h.createUpdate("UPDATE packages SET in_flight = in_flight - 1 WHERE id = :id")
                    .bind("id", packageId.longValue())
                    .execute();
        }
        h.createUpdate(
                        "UPDATE accounts SET in_flight = in_flight - 1, held = held - :hold, balance = balance - :charge WHERE id = :id")
                .bind("hold", hold)
                .bind("charge", ready ? hold : 0L)
                .bind("id", accountId)
                .execute();
        if (ready && hold > 0) {
            h.createUpdate("""
              INSERT INTO ledger (account_id, amount, kind, reason, task_id, created_at)
              VALUES (:account, :amount, 'charge', :reason, :task, :now)
              """)
                    .bind("account", accountId)
                    .bind("amount", -hold)
                    .bind("reason", "task " + id)
                    .bind("task", id)
                    .bind("now", now)
                    .execute();
        }
        return Optional.of(new Ended(
                id,
                outcome,
                cost,
                (String) t.get("client_ip"),
                (String) t.get("callback_url"),
                ((Number) t.get("created_at")).longValue(),
                now,
                ((Number) t.get("solve_count")).intValue()));
    }
}
