package dev.solvegate.server.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A warning that may happen once per request but is logged at most once a second: the first line of each second
 * is written, with how many like it were left out since the last one; never a stack trace. For faults that hit
 * every request at once (overload, the database unreachable), where a line per request would bury the log.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class LogEverySecond {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final System.Logger log;
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong left = new AtomicLong();

    public LogEverySecond(System.Logger log) {
        this.log = log;
    }

    /** Logs {@code line} at WARNING unless a line was logged less than a second ago (then it is counted). */
    public void warn(Supplier<String> line) {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due < 0 || !next.compareAndSet(due, now + SECOND)) {
            left.incrementAndGet();
            return;
        }
        long more = left.getAndSet(0);
        log.log(System.Logger.Level.WARNING, more == 0 ? line.get() : line.get() + " (and " + more + " more like it)");
    }
}
