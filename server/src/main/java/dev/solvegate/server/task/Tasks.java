package dev.solvegate.server.task;

import dev.solvegate.server.store.Transactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Every statement on the {@code tasks} table, and nowhere else: admission's insert, the queue's claims and
 * hand-backs, the settlement's lock and end, the sweeps, and the reads of getTaskResult. Each method takes the
 * transaction it runs in, so the callers compose them with the account and package statements of one
 * transaction.
 *
 * <p>The queue is the table itself. A claim selects queued rows {@code FOR UPDATE SKIP LOCKED}, so nodes
 * claiming at once take different rows without waiting on each other. Every other change of state is a
 * conditional {@code UPDATE} whose row count says whether the caller still had the right to make it; nothing
 * is read and then written in Java.
 *
 * <p>Thread-safety: stateless.
 */
public final class Tasks {

    /** The channel {@code LISTEN}ed to on PostgreSQL; whatever queues work notifies it ({@link #notifyWorkers}). */
    public static final String CHANNEL = "solvegate_tasks";

    /** The channel of task ends on PostgreSQL, comma-separated task ids as payload ({@link #notifyEnded}). */
    public static final String ENDED_CHANNEL = "solvegate_ended";

    /** A solving task whose node has no live lease at {@code :now}: SQL over the row {@code tasks}. */
    static final String ORPHANED = "status = 'solving' AND NOT EXISTS"
            + " (SELECT 1 FROM nodes n WHERE n.id = tasks.lease_owner AND n.lease_until >= :now)";

    /** A task to insert at admission; money in micro-units, times epoch ms. */
    public record NewRow(
            long accountId,
            long keyId,
            Long packageId,
            String solver,
            String settings,
            String request,
            long hold,
            long price,
            String clientIp,
            String callbackUrl,
            long createdAt,
            long deadline) {}

    /** Who may end a task: a SQL condition on the task row and its parameters. */
    public record Guard(String condition, Map<String, Object> params) {
        /**
         * The worker running attempt {@code attempt} of the task on node {@code owner}: a worker whose task was
         * re-queued and claimed again (by another node, or by this one) holds an older attempt number and is
         * refused.
         */
        public static Guard attempt(String owner, int attempt) {
            return new Guard(
                    "status = 'solving' AND lease_owner = :owner AND solve_count = :attempt",
                    Map.of("owner", owner, "attempt", attempt));
        }

        /** Any holding of the task by node {@code owner}: for a task it holds without a worker. */
        public static Guard held(String owner) {
            return new Guard("status = 'solving' AND lease_owner = :owner", Map.of("owner", owner));
        }

        /** The sweeper, for a queued task past its deadline. */
        public static Guard overdue(long now) {
            return new Guard("status = 'queued' AND deadline <= :now", Map.of("now", now));
        }

        /** The sweeper, for a solving task whose node's lease ran out. */
        public static Guard orphaned(long now) {
            return new Guard(ORPHANED, Map.of("now", now));
        }

        /** The client, cancelling a task of its account that has not ended ({@code cancelTask}). */
        public static Guard client(long accountId) {
            return new Guard("status IN ('queued', 'solving') AND account_id = :account", Map.of("account", accountId));
        }
    }

    /** A task locked for its end: what the settlement bills and reports. */
    public record Ending(
            long accountId,
            Long packageId,
            long hold,
            String clientIp,
            String callbackUrl,
            long createdAt,
            int solveCount,
            String request) {}

    /** A {@code solving} task whose lease ran out; {@code solveCount} its attempts so far. */
    public record Expired(long id, long deadline, int solveCount) {}

    /**
     * A task as an account's task list shows it (getTasks, the consoles); never its request, proxy or token.
     *
     * @param cost micro-units charged, only when ready (0 for a package key)
     * @param createdAt acceptance, epoch ms
     * @param endedAt the end, epoch ms; null while in flight
     * @param errorCode a catalogue code name, only when failed
     */
    public record Recent(
            long id,
            long keyId,
            String status,
            String solver,
            Long cost,
            long createdAt,
            Long endedAt,
            int solveCount,
            String errorCode,
            String errorDescription) {}

    /** What a worker needs of a task it holds. */
    private static final String CLAIMED =
            "SELECT id, solver, settings, request, created_at, deadline, solve_count FROM tasks";

    private static final String VIEW_COLUMNS =
            "t.id, t.status, t.token, t.cost, t.client_ip, t.created_at, t.ended_at, t.solve_count, t.error_code,"
                    + " t.error_description";

    /** The admission's insert, public so that the storage benchmark runs this very text. */
    public static final String INSERT = """
        INSERT INTO tasks (account_id, key_id, package_id, status, solver, settings, request, hold, price,
          client_ip, callback_url, created_at, deadline)
        VALUES (:account, :key, :package, 'queued', :solver, :settings, :request, :hold, :price,
          :ip, :callback, :now, :deadline)""";

    /** The notification of {@link #notifyWorkers}. */
    public static final String NOTIFY = "NOTIFY " + CHANNEL;

    private Tasks() {}

    /** Inserts an admitted task as {@code queued}; returns its id. */
    public static long insert(Handle h, NewRow r) {
        return h.createUpdate(INSERT)
                .bind("account", r.accountId())
                .bind("key", r.keyId())
                .bind("package", r.packageId())
                .bind("solver", r.solver())
                .bind("settings", r.settings())
                .bind("request", r.request())
                .bind("hold", r.hold())
                .bind("price", r.price())
                .bind("ip", r.clientIp())
                .bind("callback", r.callbackUrl())
                .bind("now", r.createdAt())
                .bind("deadline", r.deadline())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /**
     * Tells listening nodes (PostgreSQL {@code LISTEN}) that work was queued; delivered when {@code h}'s
     * transaction commits. On H2 there is one node, woken in-process.
     */
    public static void notifyWorkers(Handle h) {
        if (Transactions.postgres(h)) {
            h.execute(NOTIFY);
        }
    }

    /**
     * Tells every node (PostgreSQL {@code NOTIFY solvegate_ended}) that the tasks {@code ids} ended, their ids
     * comma-separated in one payload (at most {@link #ENDS_PER_NOTICE}), so that long-polls waiting for them
     * answer and the nodes running them stop their solvers. Sent in its own short transaction after the ends
     * committed, not inside each settlement: a transaction that NOTIFYs takes PostgreSQL's one notification lock
     * at commit, and settlements would queue behind each other on it.
     */
    public static void notifyEnded(Handle h, List<Long> ids) {
        if (ids.isEmpty() || ids.size() > ENDS_PER_NOTICE) {
            throw new IllegalArgumentException("1.." + ENDS_PER_NOTICE + " ids per notice: " + ids.size());
        }
        String payload = String.join(",", ids.stream().map(String::valueOf).toList());
        h.createQuery("SELECT 1 FROM (SELECT pg_notify(:channel, :payload)) n")
                .bind("channel", ENDED_CHANNEL)
                .bind("payload", payload)
                .mapTo(Integer.class)
                .one();
    }

    /** Ids per {@link #notifyEnded} notice: 16 digits and a comma each stay well below PostgreSQL's 8000 bytes. */
    public static final int ENDS_PER_NOTICE = 400;

    /**
     * Claims up to {@code max} queued tasks whose deadline is after {@code now}, oldest first, for
     * {@code owner}, and counts their first attempt.
     */
    public static List<ClaimedTask> claim(Handle h, String owner, int max, long now) {
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
        // by id alone: with "AND status = … AND lease_owner = …" PostgreSQL's planner, its statistics behind a table
        // that grows fast (never analyzed: autovacuum was off), chose both of those indexes over the primary key and
        // read every task the node held (1.7 ms a claim at 5,000 held, a third of PostgreSQL's samples in the service
        // simulation). The rows are locked by this transaction, so every one was updated; the status and owner are
        // checked here all the same.
        return h.createQuery("SELECT id, solver, settings, request, created_at, deadline, solve_count, status,"
                        + " lease_owner FROM tasks WHERE id IN (<ids>) ORDER BY created_at")
                .bindList("ids", ids)
                .map((rs, ctx) -> "solving".equals(rs.getString("status")) && owner.equals(rs.getString("lease_owner"))
                        ? claimed(rs, ctx)
                        : null)
                .filter(Objects::nonNull)
                .list();
    }

    /**
     * Task {@code id} as {@link #claim} returned it, if {@code owner} holds it: for a claim whose commit went
     * through but whose reply was lost, so that its attempt is run rather than counted twice.
     */
    public static Optional<ClaimedTask> held(Handle h, long id, String owner) {
        return h.createQuery(CLAIMED + " WHERE id = :id AND status = 'solving' AND lease_owner = :owner")
                .bind("id", id)
                .bind("owner", owner)
                .map(Tasks::claimed)
                .findOne();
    }

    private static ClaimedTask claimed(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ClaimedTask(
                rs.getLong("id"),
                rs.getString("solver"),
                rs.getString("settings"),
                rs.getString("request"),
                rs.getLong("created_at"),
                rs.getLong("deadline"),
                rs.getInt("solve_count"));
    }

    /**
     * Counts attempt {@code attempt + 1} of a task whose attempt {@code attempt} {@code owner} runs; false when the
     * task is no longer that attempt's (it was taken and perhaps claimed again).
     */
    public static boolean startAttempt(Handle h, long id, String owner, int attempt) {
        return h.createUpdate("UPDATE tasks SET solve_count = :next WHERE id = :id AND "
                                + Guard.attempt(owner, attempt).condition())
                        .bind("next", attempt + 1)
                        .bind("id", id)
                        .bindMap(Guard.attempt(owner, attempt).params())
                        .execute()
                == 1;
    }

    /** The tasks {@code owner} holds now. */
    public static Set<Long> owned(Handle h, String owner) {
        return Set.copyOf(h.createQuery("SELECT id FROM tasks WHERE lease_owner = :owner AND status = 'solving'")
                .bind("owner", owner)
                .mapTo(Long.class)
                .list());
    }

    /**
     * Puts a task {@code owner} holds back in the queue for any node, if {@code guard} (the holder's attempt, or
     * any holding of {@code owner}'s for a task without a worker) still holds; false when it did not.
     */
    public static boolean handBack(Handle h, long id, String owner, Guard guard) {
        int n = h.createUpdate("UPDATE tasks SET status = 'queued', lease_owner = NULL WHERE id = :id AND "
                        + guard.condition())
                .bind("id", id)
                .bindMap(guard.params())
                .execute();
        if (n == 1) {
            notifyWorkers(h);
        }
        return n == 1;
    }

    /** Up to {@code max} solving tasks whose node's lease ended before {@code now}. */
    public static List<Expired> expired(Handle h, long now, int max) {
        return h.createQuery("SELECT id, deadline, solve_count FROM tasks WHERE " + ORPHANED
                        + " ORDER BY created_at LIMIT :max")
                .bind("now", now)
                .bind("max", max)
                .map((rs, ctx) -> new Expired(rs.getLong("id"), rs.getLong("deadline"), rs.getInt("solve_count")))
                .list();
    }

    /** Re-queues a task whose node's lease is still expired at {@code now}; false when someone else acted first. */
    public static boolean requeueExpired(Handle h, long id, long now) {
        int n = h.createUpdate("UPDATE tasks SET status = 'queued', lease_owner = NULL WHERE id = :id AND " + ORPHANED)
                .bind("id", id)
                .bind("now", now)
                .execute();
        if (n == 1) {
            notifyWorkers(h);
        }
        return n == 1;
    }

    /** Up to {@code max} queued tasks whose deadline is not after {@code now}. */
    public static List<Long> overdue(Handle h, long now, int max) {
        return h.createQuery(
                        "SELECT id FROM tasks WHERE status = 'queued' AND deadline <= :now ORDER BY created_at LIMIT :max")
                .bind("now", now)
                .bind("max", max)
                .mapTo(Long.class)
                .list();
    }

    /** Deletes up to {@code max} ended tasks whose retention ended before {@code cutoff}; the ledger stays. */
    public static int reap(Handle h, long cutoff, int max) {
        return h.createUpdate("""
            DELETE FROM tasks WHERE id IN (
              SELECT id FROM tasks WHERE ended_at IS NOT NULL AND ended_at < :cutoff ORDER BY ended_at LIMIT :max)
            """).bind("cutoff", cutoff).bind("max", max).execute();
    }

    /** Tasks waiting in the queue, all nodes together. */
    public static long depth(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM tasks WHERE status = 'queued'")
                .mapTo(Long.class)
                .one();
    }

    /** The mean acceptance-to-ready time, ms, of tasks that became ready at or after {@code since}; 0 when none. */
    public static double meanReadyMillis(Handle h, long since) {
        return h.createQuery(
                        "SELECT COALESCE(AVG(ended_at - created_at), 0) FROM tasks WHERE status = 'ready' AND ended_at >= :since")
                .bind("since", since)
                .mapTo(Double.class)
                .one();
    }

    /** Tasks accepted and not ended, all nodes together. */
    public static long inFlight(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM tasks WHERE status IN ('queued', 'solving')")
                .mapTo(Long.class)
                .one();
    }

    /** Locks task {@code id} for its end if {@code guard} still holds; empty when someone else ended or took it. */
    public static Optional<Ending> lockForEnd(Handle h, long id, Guard guard) {
        return h.createQuery(
                        "SELECT account_id, package_id, hold, client_ip, callback_url, created_at, solve_count, request"
                                + " FROM tasks"
                                + " WHERE id = :id AND " + guard.condition() + " FOR UPDATE")
                .bind("id", id)
                .bindMap(guard.params())
                .map((rs, ctx) -> {
                    long pkg = rs.getLong("package_id");
                    Long packageId = rs.wasNull() ? null : pkg;
                    return new Ending(
                            rs.getLong("account_id"),
                            packageId,
                            rs.getLong("hold"),
                            rs.getString("client_ip"),
                            rs.getString("callback_url"),
                            rs.getLong("created_at"),
                            rs.getInt("solve_count"),
                            rs.getString("request"));
                })
                .findOne();
    }

    /**
     * Ends a locked task: {@code ready} with its token and cost, or {@code failed} with its error. The stored
     * request loses its proxy credentials ({@link TaskCodec#withoutSecrets}): only a running task needs them.
     */
    public static void end(
            Handle h, long id, Ending t, long now, String token, Long cost, String errorCode, String errorDescription) {
        h.createUpdate("""
            UPDATE tasks SET status = :status, ended_at = :now, token = :token, cost = :cost, error_code = :code,
              error_description = :description, lease_owner = NULL, request = :request WHERE id = :id
            """)
                .bind("status", token != null ? "ready" : "failed")
                .bind("now", now)
                .bind("token", token)
                .bind("cost", cost)
                .bind("code", errorCode)
                .bind("description", errorDescription)
                .bind("request", TaskCodec.withoutSecrets(t.request()))
                .bind("id", id)
                .execute();
    }

    /** A verdict just recorded: the task's solver, when it ended (epoch ms) and what it was charged. */
    public record Verdict(String solver, long endedAt, long cost) {}

    /**
     * Records {@code verdict} ({@code correct} or {@code incorrect}) on a ready task of {@code accountId} that
     * ended at or after {@code since} and has none yet; empty when there is no such task or it already has one.
     */
    public static Optional<Verdict> recordVerdict(Handle h, long id, long accountId, String verdict, long since) {
        int n = h.createUpdate("""
              UPDATE tasks SET verdict = :verdict
              WHERE id = :id AND account_id = :account AND status = 'ready' AND verdict IS NULL AND ended_at >= :since
              """)
                .bind("verdict", verdict)
                .bind("id", id)
                .bind("account", accountId)
                .bind("since", since)
                .execute();
        if (n == 0) {
            return Optional.empty();
        }
        return h.createQuery("SELECT solver, ended_at, cost FROM tasks WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Verdict(rs.getString("solver"), rs.getLong("ended_at"), rs.getLong("cost")))
                .findOne();
    }

    /** Whether {@code accountId} has a ready task {@code id} that ended at or after {@code since}. */
    public static boolean readySince(Handle h, long id, long accountId, long since) {
        return h.createQuery("SELECT COUNT(*) FROM tasks WHERE id = :id AND account_id = :account AND status = 'ready'"
                                + " AND ended_at >= :since")
                        .bind("id", id)
                        .bind("account", accountId)
                        .bind("since", since)
                        .mapTo(Long.class)
                        .one()
                > 0;
    }

    /** A task as getTaskResult shows it, with the account it belongs to. */
    public record Owned(long accountId, TaskView view) {}

    /**
     * Tasks {@code ids} and their accounts, whoever they belong to, in one statement: an id without a row (no
     * such task, or reaped) has no entry.
     *
     * <p>The statement is {@code id IN (…)} with a power of two of parameters (the last id repeated to fill
     * them): a dozen statement texts, each prepared once per connection. With {@code id = ANY(:array)} PostgreSQL
     * re-planned every execution, even of two ids (its generic plan, estimated for ten, looked dearer than a custom
     * one), which cost more than the statements it saved; {@code id IN ($1, $2)} keeps its generic plan.
     */
    public static Map<Long, Owned> results(Handle h, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<Long> padded = new ArrayList<>(ids);
        long last = padded.get(padded.size() - 1);
        int slots = Integer.highestOneBit(padded.size());
        if (slots < padded.size()) {
            slots <<= 1;
        }
        while (padded.size() < slots) {
            padded.add(last);
        }
        Map<Long, Owned> out = new HashMap<>();
        h.createQuery("SELECT t.account_id, " + VIEW_COLUMNS + " FROM tasks t WHERE t.id IN (<ids>)")
                .bindList("ids", padded)
                .map((rs, ctx) -> new Owned(rs.getLong("account_id"), view(rs)))
                .forEach(o -> out.put(o.view().id(), o));
        return out;
    }

    /**
     * Up to {@code limit} of account {@code accountId}'s tasks, newest first: those in flight, and those ended
     * after {@code endedAfter} (the results getTaskResult still shows).
     */
    public static List<Recent> recent(Handle h, long accountId, long endedAfter, int limit) {
        return h.createQuery("""
              SELECT id, key_id, status, solver, cost, created_at, ended_at, solve_count, error_code, error_description
              FROM tasks WHERE account_id = :account AND (ended_at IS NULL OR ended_at > :after)
              ORDER BY created_at DESC, id DESC LIMIT :limit
              """)
                .bind("account", accountId)
                .bind("after", endedAfter)
                .bind("limit", limit)
                .map((rs, ctx) -> {
                    long ended = rs.getLong("ended_at");
                    Long endedAt = rs.wasNull() ? null : ended;
                    long cost = rs.getLong("cost");
                    Long costOrNull = rs.wasNull() ? null : cost;
                    return new Recent(
                            rs.getLong("id"),
                            rs.getLong("key_id"),
                            rs.getString("status"),
                            rs.getString("solver"),
                            costOrNull,
                            rs.getLong("created_at"),
                            endedAt,
                            rs.getInt("solve_count"),
                            rs.getString("error_code"),
                            rs.getString("error_description"));
                })
                .list();
    }

    private static TaskView view(ResultSet rs) throws SQLException {
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
}
