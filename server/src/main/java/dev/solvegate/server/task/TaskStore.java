package dev.solvegate.server.task;

import dev.solvegate.server.ErrorCode;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.store.DatabaseFaults;
import dev.solvegate.server.template.TemplateStore.Template;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Admits tasks and reads their results.
 *
 * <p>Admission is one transaction that locks the package row (if any), then the account row, checks quota,
 * threads and balance in SPEC order, and only then writes the quota use, the thread slot, the hold and the
 * task. Because every check reads rows it has locked, the limits hold exactly across threads and nodes; a
 * refusal writes nothing. The engine settles tasks with the same lock order (package, then account).
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
public final class TaskStore {

    /** The outcome of an admission. */
    public sealed interface Admission {
        /** @param taskId the new task's id */
        record Accepted(long taskId) implements Admission {}

        /** @param code why, from the catalogue */
        record Refused(ErrorCode code) implements Admission {}
    }

    /** A task as getTaskResult shows it. Times in epoch ms; {@code endedAt}, token, error and cost may be null. */
    public record TaskView(
            long id,
            String status,
            String token,
            Long cost,
            String clientIp,
            long createdAt,
            Long endedAt,
            int solveCount,
            String errorCode,
            String errorDescription) {}

    private static final int ATTEMPTS = 3;

    /** A locked package row; quota use already reset when it belongs to an earlier UTC hour or day. */
    private record PackageRow(int threads, int hourlyQuota, int dailyQuota, int inFlight, int hourUsed, int dayUsed) {}

    /** A locked account row; money in micro-units. */
    private record AccountRow(int maxThreads, long price, long balance, long held, int inFlight) {}

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
     * Admits {@code task} for {@code caller}, or refuses it with the first limit it breaks (SPEC §1 steps 6–9).
     * Lock waits and serialization failures are retried a bounded number of times, then answered with
     * {@code ERROR_DATABASE_BALANCE}; other database failures propagate.
     *
     * @param solverHasCapacity the template's solver's answer, asked before the transaction so that no plugin
     *     code runs while rows are locked; it decides only when every other check passed
     */
    public Admission admit(Caller caller, NewTask task, Template template, boolean solverHasCapacity, String clientIp) {
        String request = TaskCodec.encode(task);
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(
                        h -> admitIn(h, caller, template, solverHasCapacity, clientIp, request, task.callbackUrl()));
            } catch (RuntimeException e) {
                if (!DatabaseFaults.retryableConflict(e) || DatabaseFaults.unreachable(e)) {
                    throw e;
                }
                if (attempt == ATTEMPTS) {
                    return new Admission.Refused(ErrorCode.ERROR_DATABASE_BALANCE);
                }
            }
        }
    }

    private Admission admitIn(
            Handle h,
            Caller caller,
            Template template,
            boolean capacity,
            String clientIp,
            String request,
            String callbackUrl) {
        long now = clock.millis();
        long hour = now / 3_600_000L;
        long day = now / 86_400_000L;
        PackageRow pkg = null;
        if (caller.packageKey()) {
            pkg = h.createQuery("""
              SELECT threads, hourly_quota, daily_quota, in_flight, hour_index, hour_used, day_index, day_used
              FROM packages WHERE id = :id FOR UPDATE
              """)
                    .bind("id", caller.packageId())
                    .map((rs, ctx) -> new PackageRow(
                            rs.getInt(1),
                            rs.getInt(2),
                            rs.getInt(3),
                            rs.getInt(4),
                            rs.getLong(5) == hour ? rs.getInt(6) : 0,
                            rs.getLong(7) == day ? rs.getInt(8) : 0))
                    .one();
            if (pkg.hourUsed() >= pkg.hourlyQuota() || pkg.dayUsed() >= pkg.dailyQuota()) {
                return new Admission.Refused(ErrorCode.ERROR_RATE_LIMIT_EXCEEDED);
            }
        }
        AccountRow a = h.createQuery(
                        "SELECT max_threads, price, balance, held, in_flight FROM accounts WHERE id = :id FOR UPDATE")
                .bind("id", caller.accountId())
                .map((rs, ctx) ->
                        new AccountRow(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5)))
                .one();
        if ((pkg != null && pkg.inFlight() >= pkg.threads()) || a.inFlight() >= a.maxThreads()) {
            return new Admission.Refused(ErrorCode.ERROR_THREAD_THRESHOLD_EXCEEDED);
        }
        long price = a.price();
        long hold = caller.packageKey() ? 0 : price;
        if (!caller.packageKey() && a.balance() - a.held() < price) {
            return new Admission.Refused(ErrorCode.ERROR_ZERO_BALANCE);
        }
        if (!capacity) {
            return new Admission.Refused(ErrorCode.ERROR_FINGERPRINT_UNAVAILABLE);
        }
        if (caller.packageKey()) {
            h.createUpdate("""
              UPDATE packages SET in_flight = in_flight + 1, hour_index = :hour, hour_used = :hu,
                day_index = :day, day_used = :du WHERE id = :id
              """)
                    .bind("hour", hour)
                    .bind("hu", pkg.hourUsed() + 1)
                    .bind("day", day)
                    .bind("du", pkg.dayUsed() + 1)
                    .bind("id", caller.packageId())
                    .execute();
        }
        h.createUpdate("UPDATE accounts SET in_flight = in_flight + 1, held = held + :hold WHERE id = :id")
                .bind("hold", hold)
                .bind("id", caller.accountId())
                .execute();
        long id = h.createUpdate("""
            INSERT INTO tasks (account_id, key_id, package_id, status, solver, settings, request, hold, price,
              client_ip, callback_url, created_at, deadline)
            VALUES (:account, :key, :pkg, 'queued', :solver, :settings, :request, :hold, :price,
              :ip, :callback, :now, :deadline)
            """)
                .bind("account", caller.accountId())
                .bind("key", caller.keyId())
                .bind("pkg", caller.packageId())
                .bind("solver", template.solver())
                .bind("settings", template.settings())
                .bind("request", request)
                .bind("hold", hold)
                .bind("price", price)
                .bind("ip", clientIp)
                .bind("callback", callbackUrl)
                .bind("now", now)
                .bind("deadline", now + taskTimeout.toMillis())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        notifyWorkers(h);
        return new Admission.Accepted(id);
    }

    /** Wakes idle workers on every node (PostgreSQL {@code LISTEN}); delivered when the admission commits. */
    private static void notifyWorkers(Handle h) {
        try {
            if (h.getConnection().isWrapperFor(org.postgresql.PGConnection.class)) {
                h.execute("NOTIFY solvegate_tasks");
            }
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.ConnectionException(e);
        }
    }

    /**
     * What getTaskResult needs, read in one query: whether the live key with hash {@code keyHash} exists, whether
     * its account is suspended, and its account's task {@code id} (empty when unknown, another account's, or past
     * its retention). Empty when the key is unknown or revoked. Key and account state are read fresh, as by
     * {@code AccountStore.caller}, so revocation and suspension take effect on the next request on every node.
     */
    public Optional<KeyedResult> resultForKey(String keyHash, long id) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT a.status AS account_status, t.id, t.status, t.token, t.cost, t.client_ip, t.created_at,
                  t.ended_at, t.solve_count, t.error_code, t.error_description
                FROM api_keys k
                JOIN accounts a ON a.id = k.account_id
                LEFT JOIN tasks t ON t.id = :id AND t.account_id = k.account_id
                WHERE k.key_hash = :hash AND NOT k.revoked
                """)
                .bind("hash", keyHash)
                .bind("id", id)
                .map((rs, ctx) -> {
                    boolean suspended = "suspended".equals(rs.getString("account_status"));
                    rs.getLong("id");
                    Optional<TaskView> task = rs.wasNull() ? Optional.empty() : Optional.of(view(rs));
                    return new KeyedResult(
                            suspended,
                            task.filter(t -> t.endedAt() == null || now < t.endedAt() + resultTtl.toMillis()));
                })
                .findOne());
    }

    /** The reading of {@link #resultForKey}. @param suspended whether the key's account is suspended */
    public record KeyedResult(boolean suspended, Optional<TaskView> task) {}

    private static TaskView view(java.sql.ResultSet rs) throws java.sql.SQLException {
        long ended = rs.getLong("ended_at");
        Long endedAt = rs.wasNull() ? null : ended;
        long cost = rs.getLong("cost");
        Long costOrNull = rs.wasNull() ? null : cost;
        return new TaskView(
                rs.getLong("id"),
                rs.getString("status"),
                rs.getString("token"),
                costOrNull,
                rs.getString("client_ip"),
                rs.getLong("created_at"),
                endedAt,
                rs.getInt("solve_count"),
                rs.getString("error_code"),
                rs.getString("error_description"));
    }

    /** The task {@code id} of {@code accountId}, unless unknown, another account's, or past its retention. */
    public Optional<TaskView> result(long id, long accountId) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id, status, token, cost, client_ip, created_at, ended_at, solve_count, error_code,
                  error_description FROM tasks WHERE id = :id AND account_id = :account
                """)
                        .bind("id", id)
                        .bind("account", accountId)
                        .map((rs, ctx) -> view(rs))
                        .findOne())
                .filter(t -> t.endedAt() == null || now < t.endedAt() + resultTtl.toMillis());
    }
}
