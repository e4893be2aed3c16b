package dev.solvegate.server.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * The database's clock, read on this node: every node sharing a database judges leases, deadlines, quota hours
 * and days and retention by the same time, whatever its own clock says (a node a minute ahead would otherwise
 * take every other node's running tasks for orphans and run them again).
 *
 * <p>Design note: reading the time in every statement would cost a round trip per transaction and keep a
 * movable test clock out; instead the offset between the database's clock and this node's monotonic clock
 * ({@link System#nanoTime}, which no wall-clock step moves) is measured at start and every {@link #RESYNC}: the
 * sample with the shortest round trip of three, its midpoint taken as the database's reading. The error is at
 * most half that round trip plus the monotonic clock's drift over one interval (microseconds). The node's own
 * wall clock is never read. If the database cannot be reached the clock runs on from the last measurement.
 * Readings never go backwards. On H2 the database runs in this process, so its clock is the process clock.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close} stops the resynchronisation.
 */
public final class DatabaseClock extends Clock implements AutoCloseable {

    /** How often the offset is measured again. */
    static final Duration RESYNC = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(DatabaseClock.class.getName());
    private static final String PG_NOW = "SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint";

    private final Jdbi jdbi;
    /** database epoch millis minus {@code nanoTime / 1e6}, as last measured */
    private volatile long offsetMillis;

    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    private final ScheduledExecutorService timer;

    private DatabaseClock(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.offsetMillis = measure();
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("solvegate-db-clock").daemon().factory());
        timer.scheduleWithFixedDelay(this::resync, RESYNC.toMillis(), RESYNC.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The clock of {@code db}: PostgreSQL's, measured as described above, or on H2 the process clock. */
    public static Clock of(Database db) {
        return db.postgres() ? new DatabaseClock(db.jdbi()) : Clock.systemUTC();
    }

    /** Stops a database clock's resynchronisation; nothing for the process clock. */
    public static void close(Clock clock) {
        if (clock instanceof DatabaseClock c) {
            c.close();
        }
    }

    private long measure() {
        long bestRtt = Long.MAX_VALUE;
        long best = 0;
        for (int i = 0; i < 3; i++) {
            // {database millis, nanoTime before, nanoTime after}
            long[] s = jdbi.withHandle(h -> {
                long t0 = System.nanoTime();
                long db = h.createQuery(PG_NOW).mapTo(Long.class).one();
                return new long[] {db, t0, System.nanoTime()};
            });
            long rtt = s[2] - s[1];
            if (rtt < bestRtt) {
                bestRtt = rtt;
                best = s[0] - (s[1] + rtt / 2) / 1_000_000;
            }
        }
        return best;
    }

    private void resync() {
        try {
            offsetMillis = measure();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "database clock not measured (running on): " + e);
        }
    }

    @Override
    public long millis() {
        long now = System.nanoTime() / 1_000_000 + offsetMillis;
        return last.accumulateAndGet(now, Math::max);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the database clock is UTC");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
