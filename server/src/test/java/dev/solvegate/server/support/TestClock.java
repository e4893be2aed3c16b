package dev.solvegate.server.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock a test moves by hand, so that hour and day boundaries are crossed without waiting. It runs on by
 * itself with the system clock between moves (a node's engine needs time to pass), so {@link #advance} and
 * {@link #set} shift it rather than stop it. Thread-safety: safe for concurrent use.
 */
public final class TestClock extends Clock {

    private final AtomicLong offsetMillis;

    private TestClock(long offsetMillis) {
        this.offsetMillis = new AtomicLong(offsetMillis);
    }

    /** A clock that reads {@code start} now and runs on from there. */
    public static TestClock at(Instant start) {
        return new TestClock(start.toEpochMilli() - System.currentTimeMillis());
    }

    public void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }

    /** Moves the clock to {@code when}, from where it runs on. */
    public void set(Instant when) {
        offsetMillis.set(when.toEpochMilli() - System.currentTimeMillis());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
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
        throw new UnsupportedOperationException("a test clock is UTC");
    }
}
