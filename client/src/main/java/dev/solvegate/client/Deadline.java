package dev.solvegate.client;

import java.time.Duration;

/** A point on the monotonic clock by which a call must be done. Thread-safety: immutable. */
final class Deadline {

    /** Budgets longer than this (about 146 years) are cut to it, so nanoTime arithmetic cannot overflow. */
    private static final long LONGEST = Long.MAX_VALUE / 2;

    private final long at;

    private Deadline(long at) {
        this.at = at;
    }

    static Deadline after(Duration budget) {
        long nanos;
        try {
            nanos = Math.min(budget.toNanos(), LONGEST);
        } catch (ArithmeticException tooLong) {
            nanos = LONGEST;
        }
        return new Deadline(System.nanoTime() + nanos);
    }

    /** Nanoseconds left; zero or negative once passed. */
    long remainingNanos() {
        return at - System.nanoTime();
    }
}
