package dev.solvegate.server.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Every statement on {@code idempotency_keys}: what an {@code Idempotency-Key} of an account was first used
 * for. Each method takes the transaction it runs in. Thread-safety: stateless.
 */
public final class IdempotencyKeys {

    /** A key's record: the fingerprint of the task it was first accepted with, and that task's id. */
    public record Recorded(String fingerprint, long taskId) {}

    private IdempotencyKeys() {}

    /** The SHA-256 (hex) of a validated task's stored form, {@code callbackUrl} included. */
    public static String fingerprint(NewTask task) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(TaskCodec.encode(task).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The record of {@code key} for {@code accountId}, if one was made at or after {@code since} (epoch ms). */
    public static Optional<Recorded> find(Handle h, long accountId, String key, long since) {
        return h.createQuery("""
              SELECT fingerprint, task_id FROM idempotency_keys
              WHERE account_id = :account AND idem_key = :key AND created_at >= :since
              """)
                .bind("account", accountId)
                .bind("key", key)
                .bind("since", since)
                .map((rs, ctx) -> new Recorded(rs.getString("fingerprint"), rs.getLong("task_id")))
                .findOne();
    }

    /** Records {@code key}'s first accepted task, replacing a record older than {@code since} (forgotten). */
    public static void record(
            Handle h, long accountId, String key, String fingerprint, long taskId, long now, long since) {
        h.createUpdate(
                        "DELETE FROM idempotency_keys WHERE account_id = :account AND idem_key = :key AND created_at < :since")
                .bind("account", accountId)
                .bind("key", key)
                .bind("since", since)
                .execute();
        h.createUpdate("""
              INSERT INTO idempotency_keys (account_id, idem_key, fingerprint, task_id, created_at)
              VALUES (:account, :key, :fingerprint, :task, :now)
              """)
                .bind("account", accountId)
                .bind("key", key)
                .bind("fingerprint", fingerprint)
                .bind("task", taskId)
                .bind("now", now)
                .execute();
    }

    /** Forgets up to {@code max} records made before {@code cutoff}. */
    public static int reap(Handle h, long cutoff, int max) {
        return h.createUpdate("""
            DELETE FROM idempotency_keys WHERE (account_id, idem_key) IN (
              SELECT account_id, idem_key FROM idempotency_keys WHERE created_at < :cutoff LIMIT :max)
            """).bind("cutoff", cutoff).bind("max", max).execute();
    }

    /** Whether {@code t} is a unique-constraint violation (SQLSTATE 23505 on PostgreSQL and H2). */
    static boolean duplicate(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
