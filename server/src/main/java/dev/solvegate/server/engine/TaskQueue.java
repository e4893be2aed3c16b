package dev.solvegate.server.engine;

import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The task queue, which is the {@code tasks} table itself: claims, leases, hand-backs and clean-up.
 *
 * <p>A claim selects queued rows {@code FOR UPDATE SKIP LOCKED}, so nodes claiming at once take different
 * rows without waiting on each other, and flips them to {@code solving} under this node's lease in the
 * same transaction. Every other change is a conditional {@code UPDATE} whose row count says whether this
 * node still had the right to make it; nothing is read and then written in Java.
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
final class TaskQueue {

    /** The channel {@code LISTEN}ed to on PostgreSQL; admissions and hand-backs notify it. */
    static final String CHANNEL = "solvegate_tasks";

    /** A {@code solving} task whose lease ran out. */
    record Expired(long id, long deadline) {}

    private final Jdbi jdbi;
    private final boolean postgres;

    TaskQueue(Jdbi jdbi, boolean postgres) {
        this.jdbi = jdbi;
        this.postgres = postgres;
    }

    /**
     * Claims up to {@code max} queued tasks whose deadline is after {@code now}, oldest first, for {@code owner},
     * whose node lease is renewed to {@code leaseUntil} in the same transaction (a claim never outlives its
     * node's lease); counts their first attempt.
     */
    List<ClaimedTask> claim(String owner, int max, long now, long leaseUntil) {
        return jdbi.inTransaction(h -> {
            lease(h, owner, leaseUntil);
            List<Long> ids = h.createQuery("""
              SELECT id FROM tasks WHERE status = 'queued' AND deadline > :now
              ORDER BY created_at LIMIT :max FOR UPDATE SKIP LOCKED
              """)
                    .bind("now", now)
                    .bind("max", max)
                    .mapTo(Long.class)
                    .list();
            if (ids.isEmpty()) {
                return List.of();
            }
            h.createUpdate("""
              UPDATE tasks SET status = 'solving', lease_owner = :owner, solve_count = solve_count + 1
              WHERE id IN (<ids>) AND status = 'queued'
              """).bind("owner", owner).bindList("ids", ids).execute();
            return h.createQuery("""
              SELECT id, solver, settings, request, created_at, deadline FROM tasks
              WHERE id IN (<ids>) AND status = 'solving' AND lease_owner = :owner ORDER BY created_at
              """)
                    .bindList("ids", ids)
                    .bind("owner", owner)
                    .map((rs, ctx) -> new ClaimedTask(
                            rs.getLong("id"),
                            rs.getString("solver"),
                            rs.getString("settings"),
                            rs.getString("request"),
                            rs.getLong("created_at"),
                            rs.getLong("deadline")))
                    .list();
        });
    }

    /** Counts one more attempt of a task {@code owner} still holds; false when it lost the task. */
    boolean startAttempt(long id, String owner) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE tasks SET solve_count = solve_count + 1 WHERE id = :id AND status = 'solving' AND lease_owner = :owner")
                        .bind("id", id)
                        .bind("owner", owner)
                        .execute())
                == 1;
    }

    /** Creates or extends {@code owner}'s node lease to {@code until}: one row, whatever the node runs. */
    void renew(String owner, long until) {
        jdbi.useTransaction(h -> lease(h, owner, until));
    }

    private static void lease(Handle h, String owner, long until) {
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

    /** Ends {@code owner}'s node lease: whatever it still holds is orphaned at once, for the sweep. */
    void retire(String owner) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM nodes WHERE id = :owner")
                .bind("owner", owner)
                .execute());
    }

    /** The tasks {@code owner} holds now. */
    Set<Long> owned(String owner) {
        return jdbi.withHandle(
                h -> Set.copyOf(h.createQuery("SELECT id FROM tasks WHERE lease_owner = :owner AND status = 'solving'")
                        .bind("owner", owner)
                        .mapTo(Long.class)
                        .list()));
    }

    /** Puts a task {@code owner} holds back in the queue for any node; false when it no longer held it. */
    boolean handBack(long id, String owner) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
              UPDATE tasks SET status = 'queued', lease_owner = NULL
              WHERE id = :id AND status = 'solving' AND lease_owner = :owner
              """).bind("id", id).bind("owner", owner).execute();
            if (n == 1) {
                notifyWorkers(h);
            }
            return n == 1;
        });
    }

    /** A solving task whose node has no live lease at {@code :now}: SQL over the row {@code tasks}. */
    static final String ORPHANED = "status = 'solving' AND NOT EXISTS"
            + " (SELECT 1 FROM nodes n WHERE n.id = tasks.lease_owner AND n.lease_until >= :now)";

    /** Up to {@code max} solving tasks whose node's lease ended before {@code now}. */
    List<Expired> expired(long now, int max) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, deadline FROM tasks WHERE " + ORPHANED + " ORDER BY created_at LIMIT :max")
                .bind("now", now)
                .bind("max", max)
                .map((rs, ctx) -> new Expired(rs.getLong("id"), rs.getLong("deadline")))
                .list());
    }

    /** Re-queues a task whose node's lease is still expired at {@code now}; false when someone else acted first. */
    boolean requeueExpired(long id, long now) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate(
                            "UPDATE tasks SET status = 'queued', lease_owner = NULL WHERE id = :id AND " + ORPHANED)
                    .bind("id", id)
                    .bind("now", now)
                    .execute();
            if (n == 1) {
                notifyWorkers(h);
            }
            return n == 1;
        });
    }

    /** Up to {@code max} queued tasks whose deadline is not after {@code now}. */
    List<Long> overdue(long now, int max) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id FROM tasks WHERE status = 'queued' AND deadline <= :now ORDER BY created_at LIMIT :max")
                .bind("now", now)
                .bind("max", max)
                .mapTo(Long.class)
                .list());
    }

    /** Forgets nodes whose lease ended before {@code cutoff} (long dead; their tasks are orphaned either way). */
    void forgetNodes(long cutoff) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM nodes WHERE lease_until < :cutoff")
                .bind("cutoff", cutoff)
                .execute());
    }

    /** Deletes up to {@code max} ended tasks whose result retention ended before {@code cutoff}; the ledger stays. */
    int reap(long cutoff, int max) {
        return jdbi.withHandle(
                h -> h.createUpdate("""
            DELETE FROM tasks WHERE id IN (
              SELECT id FROM tasks WHERE ended_at IS NOT NULL AND ended_at < :cutoff ORDER BY ended_at LIMIT :max)
            """).bind("cutoff", cutoff).bind("max", max).execute());
    }

    /** Tasks waiting in the queue, all nodes together. */
    long depth() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tasks WHERE status = 'queued'")
                .mapTo(Long.class)
                .one());
    }

    /** Tasks accepted and not ended, all nodes together. */
    long inFlight() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tasks WHERE status IN ('queued', 'solving')")
                .mapTo(Long.class)
                .one());
    }

    /** Tells listening nodes (PostgreSQL) that work was queued; delivered when {@code h}'s transaction commits. */
    private void notifyWorkers(Handle h) {
        if (postgres) {
            h.execute("NOTIFY " + CHANNEL);
        }
    }
}
