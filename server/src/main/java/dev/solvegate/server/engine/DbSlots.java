package dev.solvegate.server.engine;

import dev.solvegate.server.store.Database;
import dev.solvegate.server.store.Transactions;
import java.util.concurrent.Semaphore;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The engine's bounded share of the connection pool: every database call of the engine (claims, heartbeat,
 * sweep, settlement, hand-backs, gauges) goes through here, so however many tasks run, at most
 * {@link #share(int)} connections of the pool are the engine's and API requests always find the rest (they
 * go through the {@code store.DbGate} of the rest, the engine through {@link Database#engineJdbi}).
 * Callers wait for a slot in arrival order.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class DbSlots {

    private final Jdbi jdbi;
    private final Semaphore slots;

    DbSlots(Jdbi jdbi, int slots) {
        this.jdbi = jdbi;
        this.slots = new Semaphore(slots, true);
    }

    /** The engine's share of a pool of {@code poolSize}: {@link Database#engineShare}, 3/8 of it (12 of 32). */
    static int share(int poolSize) {
        return Database.engineShare(poolSize);
    }

    /** Runs {@code work} in one transaction. */
    <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        slots.acquireUninterruptibly();
        try {
            return jdbi.inTransaction(work);
        } finally {
            slots.release();
        }
    }

    /** Runs {@code work} in one transaction, retrying conflicts ({@link Transactions#retrying}). */
    <T> T retrying(HandleCallback<T, RuntimeException> work) {
        slots.acquireUninterruptibly();
        try {
            return Transactions.retrying(jdbi, work);
        } finally {
            slots.release();
        }
    }
}
