package dev.solvegate.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * The one gate in front of the pool for everything but the engine: API and admin requests, the probes, the
 * database clock. It hands out at most {@link #slots()} connections at once (the pool less the engine's share,
 * {@link Database#engineShare}), so that together with the engine's own bounded share the pool is never asked
 * for more connections than it has: HikariCP's own timeout then fires only when connections cannot be made,
 * that is when the database is unreachable.
 *
 * <p>Design note: past capacity a caller waits for a slot in a fair (FIFO) {@link Semaphore}, at most
 * {@code SOLVEGATE_DB_QUEUE_WAIT}; at most {@code SOLVEGATE_DB_QUEUE_MAX} callers wait at once. A slot is one
 * connection held: a request takes one when a statement of it needs a connection and gives it back when the
 * connection closes, so a long-poll parked between its reads holds none. Within a request ({@link #request}) the
 * wait bound counts the request's waits together, so a request with several transactions waits no longer in all
 * than one with a single one. A caller that finds the queue full, or whose wait runs out, gets {@link Saturated}:
 * an answer ({@code ERROR_SERVICE_UNAVALIABLE} with {@code Retry-After} at the edge), never a database error —
 * unless the database was found unreachable meanwhile. Once it is (the pool could not connect, or a request
 * failed so, {@link #unreachable()}), one caller at a time tries it again — a connection from the pool that must
 * answer {@link Connection#isValid} — and every other caller is told at once that it is unreachable (a {@link
 * SQLTransientConnectionException}, {@code ERROR_DATABASE_UNAVAILABLE} at the edge), until a connection answers.
 * The gate logs what it turned away at most once a second, one line, never a stack trace.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class DbGate implements ConnectionFactory {

    /** How long after it last turned a caller away the gate counts as saturated. */
    static final long SATURATED_FOR_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How long the one caller that tries an unreachable database again waits for its connection to answer. */
    static final int PROBE_SECONDS = 1;

    private static final System.Logger LOG = System.getLogger(DbGate.class.getName());

    /** The current request's dealings with the gate; bound by {@link #request}. */
    private static final ScopedValue<Scope> REQUEST = ScopedValue.newInstance();

    /** One request's waits so far, in nanoseconds. */
    private static final class Scope {
        long waited;
    }

    /** The gate turned a caller away: no slot within the wait bound, or the queue was full. No stack trace. */
    public static final class Saturated extends RuntimeException {
        Saturated(String message) {
            super(message, null, false, false);
        }
    }

    private final DataSource pool;
    private final int slots;
    private final long waitNanos;
    private final int queueMax;
    private final Semaphore free;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong turnedAway = new AtomicLong();
    private final LogEverySecond overloadLog = new LogEverySecond(LOG);
    private volatile long lastTurnedAway = System.nanoTime() - 2 * SATURATED_FOR_NANOS;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile boolean unreachable;

    /**
     * @param pool the pool the slots are taken from
     * @param slots connections handed out at once at most, at least 1
     * @param wait how long one caller (one request in all) waits for a slot at most
     * @param queueMax callers waiting at once at most; 0: none waits, a caller without a free slot is turned away
     */
    public DbGate(DataSource pool, int slots, Duration wait, int queueMax) {
        if (slots < 1 || queueMax < 0 || wait.isNegative()) {
            throw new IllegalArgumentException("slots " + slots + ", queue " + queueMax + ", wait " + wait);
        }
        this.pool = pool;
        this.slots = slots;
        this.waitNanos = wait.toNanos();
        this.queueMax = queueMax;
        this.free = new Semaphore(slots, true);
    }

    /** Runs one request's work, so that its waits for slots count against one bound together. */
    public void request(Runnable work) {
        ScopedValue.where(REQUEST, new Scope()).run(work);
    }

    /**
     * Tells the gate that a request failed because the database could not be reached (the edge's error mapping
     * calls it): from now on one caller at a time tries the database again, and every other is told at once that
     * it is unreachable, until a connection answers.
     */
    public void unreachable() {
        unreachable = true;
    }

    @Override
    public Connection openConnection() throws SQLException {
        if (unreachable) {
            return probe();
        }
        acquire();
        if (unreachable) { // found out while this caller waited: it does not queue on the pool behind the others
            free.release();
            return probe();
        }
        try {
            return pool.getConnection();
        } catch (SQLException | RuntimeException e) {
            free.release();
            if (DatabaseFaults.unreachable(e)) {
                unreachable = true;
            }
            throw e;
        }
    }

    /**
     * While the database is believed unreachable: one caller at a time gets a connection and checks that it
     * answers (the pool may still hold connections that died); the others are told at once.
     */
    private Connection probe() throws SQLException {
        if (!probing.compareAndSet(false, true)) {
            throw new SQLTransientConnectionException(
                    "the database was found unreachable; one request at a time tries it again " + state());
        }
        try {
            acquire();
            Connection c;
            try {
                c = pool.getConnection();
            } catch (SQLException | RuntimeException e) {
                free.release();
                throw e;
            }
            boolean answers;
            try {
                answers = c.isValid(PROBE_SECONDS);
            } catch (SQLException e) {
                answers = false;
            }
            if (!answers) {
                try {
                    c.close();
                } finally {
                    free.release();
                }
                throw new SQLTransientConnectionException("the database did not answer " + state());
            }
            unreachable = false;
            return c;
        } finally {
            probing.set(false);
        }
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        try {
            connection.close();
        } finally {
            free.release();
        }
    }

    private void acquire() throws SQLException {
        if (tryAcquire(0)) { // timed, so that it keeps the order: an untimed tryAcquire would jump the queue
            return;
        }
        if (unreachable) {
            throw new SQLTransientConnectionException(
                    "the database was found unreachable, and no connection is free: " + state());
        }
        Scope scope = REQUEST.isBound() ? REQUEST.get() : new Scope();
        long budget = waitNanos - scope.waited;
        if (budget <= 0) {
            throw turnAway(
                    "this request already waited " + waitNanos / 1_000_000 + "ms for database connections: " + state());
        }
        if (waiting.incrementAndGet() > queueMax) {
            waiting.decrementAndGet();
            throw turnAway("the queue for a database connection is full: " + state());
        }
        long start = System.nanoTime();
        boolean got;
        try {
            got = tryAcquire(budget);
        } finally {
            waiting.decrementAndGet();
            scope.waited += System.nanoTime() - start;
        }
        if (!got) {
            if (unreachable) {
                throw new SQLTransientConnectionException("the database was found unreachable: " + state());
            }
            throw turnAway("no database connection free within " + waitNanos / 1_000_000 + "ms: " + state());
        }
    }

    private boolean tryAcquire(long nanos) {
        try {
            return free.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // its connection is being closed (Edge): the answer goes nowhere
            return false;
        }
    }

    private Saturated turnAway(String message) {
        lastTurnedAway = System.nanoTime();
        turnedAway.incrementAndGet();
        overloadLog.warn(() -> "overloaded, requests turned away with ERROR_SERVICE_UNAVALIABLE: " + message);
        return new Saturated(message);
    }

    /** The gate's state in the style of HikariCP's messages. */
    String state() {
        return "(slots=" + slots + ", inUse=" + (slots - free.availablePermits()) + ", waiting=" + waiting.get()
                + ", queueMax=" + queueMax + ", wait=" + waitNanos / 1_000_000 + "ms)";
    }

    /**
     * Whether the gate is saturated: it turned a caller away within the last second, or more than half of its
     * queue is taken ({@code /readyz} answers 503 {@code saturated} meanwhile).
     */
    public boolean saturated() {
        return System.nanoTime() - lastTurnedAway < SATURATED_FOR_NANOS || waiting.get() * 2 > queueMax;
    }

    /** Why the gate is saturated, for {@code /readyz}: its state. */
    public String saturation() {
        return "requests wait for a database connection or are turned away " + state();
    }

    /** Connections handed out at once at most. */
    public int slots() {
        return slots;
    }

    /** Callers waiting for a slot now. */
    public int waiting() {
        return waiting.get();
    }

    /** Callers turned away since the start. */
    public long turnedAway() {
        return turnedAway.get();
    }

    /** Whether {@code t} or one of its causes is the gate turning a caller away. */
    public static boolean saturated(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Saturated) {
                return true;
            }
        }
        return false;
    }
}
