package dev.solvegate.server.engine;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Every statement on {@code callback_outbox}: a task's callback is enqueued by its settlement, in the same
 * transaction; deliverers on any node claim due rows ({@code FOR UPDATE SKIP LOCKED}) and record each try. A
 * claim is honoured while the claiming node's lease lives and for at most {@link #CLAIM_MILLIS}; after that any
 * node may take the row again, which is why delivery is at least once. Every update of a claimed row is
 * conditional on the claim, so a node that lost its claim writes nothing. Thread-safety: stateless.
 */
final class Outbox {

    /** A claim older than this is void even if its node lives (a delivery takes at most a few seconds). */
    static final long CLAIM_MILLIS = 60_000;

    /** Tries per callback at most. */
    static final int MAX_TRIES = 5;

    /** The pause after try 1, 2, 3, 4 failed: about 1 s, 5 s, 25 s, 2 min. */
    private static final long[] BACKOFF_MILLIS = {1_000, 5_000, 25_000, 120_000};

    /** A due callback: what to send, and for whom (whose webhook secret signs it). */
    record Due(long id, long taskId, long accountId, String url, String body, int attempts) {}

    private Outbox() {}

    /** The pause before the next try after {@code tries} failed tries (1..4). */
    static long backoffAfter(int tries) {
        return BACKOFF_MILLIS[Math.clamp(tries - 1, 0, BACKOFF_MILLIS.length - 1)];
    }

    static void enqueue(Handle h, long taskId, long accountId, String url, String body, long now) {
        h.createUpdate("""
              INSERT INTO callback_outbox (task_id, account_id, url, body, next_at, created_at)
              VALUES (:task, :account, :url, :body, :now, :now)
              """)
                .bind("task", taskId)
                .bind("account", accountId)
                .bind("url", url)
                .bind("body", body)
                .bind("now", now)
                .execute();
    }

    /** Up to {@code max} due rows that nobody holds a live claim on, oldest due first, locked; not yet claimed. */
    static List<Due> due(Handle h, long now, int max) {
        return h.createQuery("""
              SELECT id, task_id, account_id, url, body, attempts FROM callback_outbox
              WHERE done_at IS NULL AND next_at <= :now
                AND (claimed_by IS NULL OR claimed_at < :stale
                     OR NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = callback_outbox.claimed_by
                                    AND n.lease_until >= :now))
              ORDER BY next_at LIMIT :max FOR UPDATE SKIP LOCKED
              """)
                .bind("now", now)
                .bind("stale", now - CLAIM_MILLIS)
                .bind("max", max)
                .map((rs, ctx) -> new Due(
                        rs.getLong("id"),
                        rs.getLong("task_id"),
                        rs.getLong("account_id"),
                        rs.getString("url"),
                        rs.getString("body"),
                        rs.getInt("attempts")))
                .list();
    }

    /** Claims locked due rows for {@code owner}. */
    static void claim(Handle h, List<Long> ids, String owner, long now) {
        if (ids.isEmpty()) {
            return;
        }
        h.createUpdate("UPDATE callback_outbox SET claimed_by = :owner, claimed_at = :now WHERE id IN (<ids>)")
                .bind("owner", owner)
                .bind("now", now)
                .bindList("ids", ids)
                .execute();
    }

    /** The try succeeded (a 2xx). False when {@code owner} no longer held the claim. */
    static boolean delivered(Handle h, long id, String owner, int status, long now) {
        return finish(h, id, owner, "delivered", status, now);
    }

    /** The address no longer passes the guard: no further try. */
    static boolean refused(Handle h, long id, String owner, long now) {
        return finish(h, id, owner, "refused", null, now);
    }

    /**
     * The try failed ({@code status} the reply's, or null without one): the next is due after the backoff, or
     * after the last try the callback is given up.
     */
    static boolean failed(Handle h, long id, String owner, int triesBefore, Integer status, long now) {
        int tries = triesBefore + 1;
        if (tries >= MAX_TRIES) {
            return h.createUpdate("""
                  UPDATE callback_outbox SET attempts = :tries, done_at = :now, outcome = 'gave_up',
                    last_status = :status, claimed_by = NULL, claimed_at = NULL
                  WHERE id = :id AND claimed_by = :owner AND done_at IS NULL
                  """)
                            .bind("tries", tries)
                            .bind("now", now)
                            .bind("status", status)
                            .bind("id", id)
                            .bind("owner", owner)
                            .execute()
                    == 1;
        }
        return h.createUpdate("""
              UPDATE callback_outbox SET attempts = :tries, next_at = :next, last_status = :status,
                claimed_by = NULL, claimed_at = NULL
              WHERE id = :id AND claimed_by = :owner AND done_at IS NULL
              """)
                        .bind("tries", tries)
                        .bind("next", now + backoffAfter(tries))
                        .bind("status", status)
                        .bind("id", id)
                        .bind("owner", owner)
                        .execute()
                == 1;
    }

    private static boolean finish(Handle h, long id, String owner, String outcome, Integer status, long now) {
        return h.createUpdate("""
              UPDATE callback_outbox SET attempts = attempts + 1, done_at = :now, outcome = :outcome,
                last_status = :status, claimed_by = NULL, claimed_at = NULL
              WHERE id = :id AND claimed_by = :owner AND done_at IS NULL
              """)
                        .bind("now", now)
                        .bind("outcome", outcome)
                        .bind("status", status)
                        .bind("id", id)
                        .bind("owner", owner)
                        .execute()
                == 1;
    }

    /** Forgets up to {@code max} finished rows older than {@code cutoff}. */
    static int reap(Handle h, long cutoff, int max) {
        return h.createUpdate("""
            DELETE FROM callback_outbox WHERE id IN (
              SELECT id FROM callback_outbox WHERE done_at IS NOT NULL AND done_at < :cutoff LIMIT :max)
            """).bind("cutoff", cutoff).bind("max", max).execute();
    }
}
