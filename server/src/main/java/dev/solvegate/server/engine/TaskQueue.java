package dev.solvegate.server.engine;

import java.util.Collection;
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
   * Claims up to {@code max} queued tasks whose deadline is after {@code now}, oldest first, for {@code owner}
   * until {@code leaseUntil}; counts their first attempt.
   */
  List<ClaimedTask> claim(String owner, int max, long now, long leaseUntil) {
    return jdbi.inTransaction(h -> {
      List<Long> ids = h.createQuery(
              """
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
      h.createUpdate(
              """
              UPDATE tasks SET status = 'solving', lease_owner = :owner, lease_until = :until,
                solve_count = solve_count + 1
              WHERE id IN (<ids>) AND status = 'queued'
              """)
          .bind("owner", owner)
          .bind("until", leaseUntil)
          .bindList("ids", ids)
          .execute();
      return h.createQuery(
              """
              SELECT id, solver, settings, request, created_at, deadline FROM tasks
              WHERE id IN (<ids>) AND status = 'solving' AND lease_owner = :owner ORDER BY created_at
              """)
          .bindList("ids", ids)
          .bind("owner", owner)
          .map((rs, ctx) -> new ClaimedTask(rs.getLong("id"), rs.getString("solver"), rs.getString("settings"),
              rs.getString("request"), rs.getLong("created_at"), rs.getLong("deadline")))
          .list();
    });
  }

  /** Counts one more attempt of a task {@code owner} still holds; false when it lost the task. */
  boolean startAttempt(long id, String owner) {
    return jdbi.withHandle(h -> h.createUpdate(
                "UPDATE tasks SET solve_count = solve_count + 1 WHERE id = :id AND status = 'solving' AND lease_owner = :owner")
            .bind("id", id)
            .bind("owner", owner)
            .execute()) == 1;
  }

  /**
   * Extends the leases of the tasks {@code ids} that {@code owner} still holds to {@code until}. Only tasks a
   * worker is running are renewed, so a claim whose worker is gone expires and is recovered by the sweep.
   * Rows locked right now (a settlement or a retry in progress) are skipped rather than waited for.
   */
  void renew(String owner, Collection<Long> ids, long until) {
    if (ids.isEmpty()) {
      return;
    }
    jdbi.useTransaction(h -> h.createUpdate(
            """
            UPDATE tasks SET lease_until = :until WHERE id IN (
              SELECT id FROM tasks WHERE id IN (<ids>) AND lease_owner = :owner AND status = 'solving'
              FOR UPDATE SKIP LOCKED)
            """)
        .bind("until", until)
        .bind("owner", owner)
        .bindList("ids", List.copyOf(ids))
        .execute());
  }

  /** Those of {@code ids} that {@code owner} still holds. */
  Set<Long> held(String owner, Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return jdbi.withHandle(h -> Set.copyOf(h.createQuery(
            "SELECT id FROM tasks WHERE id IN (<ids>) AND lease_owner = :owner AND status = 'solving'")
        .bindList("ids", List.copyOf(ids))
        .bind("owner", owner)
        .mapTo(Long.class)
        .list()));
  }

  /** Puts a task {@code owner} holds back in the queue for any node; false when it no longer held it. */
  boolean handBack(long id, String owner) {
    return jdbi.inTransaction(h -> {
      int n = h.createUpdate(
              """
              UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_until = NULL
              WHERE id = :id AND status = 'solving' AND lease_owner = :owner
              """)
          .bind("id", id)
          .bind("owner", owner)
          .execute();
      if (n == 1) {
        notifyWorkers(h);
      }
      return n == 1;
    });
  }

  /** Up to {@code max} solving tasks whose lease ended before {@code now}. */
  List<Expired> expired(long now, int max) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT id, deadline FROM tasks WHERE status = 'solving' AND lease_until < :now ORDER BY lease_until LIMIT :max")
        .bind("now", now)
        .bind("max", max)
        .map((rs, ctx) -> new Expired(rs.getLong("id"), rs.getLong("deadline")))
        .list());
  }

  /** Re-queues a task whose lease is still expired at {@code now}; false when someone else acted first. */
  boolean requeueExpired(long id, long now) {
    return jdbi.inTransaction(h -> {
      int n = h.createUpdate(
              """
              UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_until = NULL
              WHERE id = :id AND status = 'solving' AND lease_until < :now
              """)
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

  /** Deletes up to {@code max} ended tasks whose result retention ended before {@code cutoff}; the ledger stays. */
  int reap(long cutoff, int max) {
    return jdbi.withHandle(h -> h.createUpdate(
            """
            DELETE FROM tasks WHERE id IN (
              SELECT id FROM tasks WHERE ended_at IS NOT NULL AND ended_at < :cutoff ORDER BY ended_at LIMIT :max)
            """)
        .bind("cutoff", cutoff)
        .bind("max", max)
        .execute());
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
