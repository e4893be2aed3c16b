package dev.solvegate.server.engine;

/**
 * A signal that new work may be queued. The dispatcher reads {@link #generation()} before it looks at the
 * queue and then {@link #await}s a change, so a signal sent while it was looking is never lost.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class Wakeup {

    private long generation;

    synchronized long generation() {
        return generation;
    }

    /** Wakes every waiter; cheap, callable from request threads. */
    synchronized void signal() {
        generation++;
        notifyAll();
    }

    /** Waits until the generation differs from {@code seen} or {@code timeoutMillis} pass. */
    synchronized void await(long seen, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (generation == seen) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }
}
