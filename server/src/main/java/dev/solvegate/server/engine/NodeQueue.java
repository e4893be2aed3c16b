package dev.solvegate.server.engine;

import dev.solvegate.server.task.ClaimedTask;
import dev.solvegate.server.task.IdempotencyKeys;
import dev.solvegate.server.task.QueueStats;
import dev.solvegate.server.task.Tasks;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import org.jdbi.v3.core.Handle;

/**
 * This node's side of the shared queue: its lease (one row in {@code nodes}, however many tasks it runs) and
 * the queue statements of {@link Tasks} run under it, each within the engine's {@link DbSlots}.
 *
 * <p>A task this node claims is held as long as the node's lease is live; a claim renews the lease in the same
 * transaction, so a claim never outlives it. A task whose node's lease ended is orphaned and taken up by the
 * sweep of any node.
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
final class NodeQueue {

    private final DbSlots db;
    private final DbSlots lease;
    private final String owner;
    private final Clock clock;
    private final long leaseMillis;
    private final int workers;
    private final IntSupplier busy;

    /**
     * @param workers this node's worker slots, and {@code busy} how many are in use: the heartbeat writes both
     *     to the node's row for getQueueStats
     * @param lease the heartbeat's own connection ({@code Database#leaseJdbi}), for {@link #renew} and {@link #owned}
     */
    NodeQueue(DbSlots db, DbSlots lease, String owner, Clock clock, long leaseMillis, int workers, IntSupplier busy) {
        this.db = db;
        this.lease = lease;
        this.owner = owner;
        this.clock = clock;
        this.leaseMillis = leaseMillis;
        this.workers = workers;
        this.busy = busy;
    }

    String owner() {
        return owner;
    }

    /** Claims up to {@code max} queued tasks, renewing this node's lease in the same transaction. */
    List<ClaimedTask> claim(int max) {
        long now = clock.millis();
        return db.inTransaction(h -> {
            lease(h, now + leaseMillis);
            return Tasks.claim(h, owner, max, now);
        });
    }

    /** Counts attempt {@code attempt + 1} of a task whose attempt {@code attempt} runs here; false when lost. */
    boolean startAttempt(long id, int attempt) {
        return db.retrying(h -> Tasks.startAttempt(h, id, owner, attempt));
    }

    /** Puts back in the queue a task whose attempt {@code attempt} runs here; false when it no longer did. */
    boolean handBack(long id, int attempt) {
        return db.retrying(h -> Tasks.handBack(h, id, owner, Tasks.Guard.attempt(owner, attempt)));
    }

    /** Puts back in the queue a task this node holds without a worker; false when it no longer held it. */
    boolean handBackStray(long id) {
        return db.retrying(h -> Tasks.handBack(h, id, owner, Tasks.Guard.held(owner)));
    }

    /** Creates or extends this node's lease to a whole lease from now. */
    void renew() {
        long until = clock.millis() + leaseMillis;
        lease.inTransaction(h -> {
            lease(h, until);
            h.createUpdate("UPDATE nodes SET workers = :workers, busy = :busy WHERE id = :owner")
                    .bind("workers", workers)
                    .bind("busy", busy.getAsInt())
                    .bind("owner", owner)
                    .execute();
            return null;
        });
    }

    /** The queue on all live nodes: queued tasks, worker slots busy and in all, the mean time to ready since {@code since}. */
    QueueStats stats(long since) {
        long now = clock.millis();
        return db.inTransaction(h -> {
            long[] slots = h.createQuery(
                            "SELECT COALESCE(SUM(busy), 0), COALESCE(SUM(workers), 0) FROM nodes WHERE lease_until >= :now")
                    .bind("now", now)
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                    .one();
            return new QueueStats(Tasks.depth(h), slots[0], slots[1], Tasks.meanReadyMillis(h, since));
        });
    }

    /** The tasks this node holds now. */
    Set<Long> owned() {
        return lease.inTransaction(h -> Tasks.owned(h, owner));
    }

    /** Task {@code id} as claimed, if this node still holds it (a claim whose reply was lost). */
    Optional<ClaimedTask> held(long id) {
        return db.inTransaction(h -> Tasks.held(h, id, owner));
    }

    /** Ends this node's lease: whatever it still holds is orphaned at once, for the sweep. */
    void retire() {
        db.inTransaction(h -> h.createUpdate("DELETE FROM nodes WHERE id = :owner")
                .bind("owner", owner)
                .execute());
    }

    List<Tasks.Expired> expired(long now, int max) {
        return db.inTransaction(h -> Tasks.expired(h, now, max));
    }

    boolean requeueExpired(long id, long now) {
        return db.retrying(h -> Tasks.requeueExpired(h, id, now));
    }

    List<Long> overdue(long now, int max) {
        return db.inTransaction(h -> Tasks.overdue(h, now, max));
    }

    /** Deletes ended tasks past their retention; the ledger stays. */
    int reap(long cutoff, int max) {
        return db.inTransaction(h -> Tasks.reap(h, cutoff, max));
    }

    /** Forgets {@code Idempotency-Key} records made before {@code cutoff} ({@code SOLVEGATE_IDEMPOTENCY_TTL}). */
    int forgetIdempotencyKeys(long cutoff, int max) {
        return db.inTransaction(h -> IdempotencyKeys.reap(h, cutoff, max));
    }

    /** Forgets nodes whose lease ended before {@code cutoff} (long dead; their tasks are orphaned either way). */
    void forgetNodes(long cutoff) {
        db.inTransaction(h -> h.createUpdate("DELETE FROM nodes WHERE lease_until < :cutoff")
                .bind("cutoff", cutoff)
                .execute());
    }

    long depth() {
        return db.inTransaction(Tasks::depth);
    }

    long inFlight() {
        return db.inTransaction(Tasks::inFlight);
    }

    private void lease(Handle h, long until) {
        int n = h.createUpdate("UPDATE nodes SET lease_until = :until WHERE id = :owner")
                .bind("until", until)
                .bind("owner", owner)
                .execute();
        if (n == 0) {
            h.createUpdate("INSERT INTO nodes (id, lease_until) VALUES (:owner, :until)")
                    .bind("owner", owner)
                    .bind("until", until)
                    .execute();
        }
    }
}
