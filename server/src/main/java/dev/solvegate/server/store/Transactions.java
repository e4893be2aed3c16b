package dev.solvegate.server.store;

import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The one retrying transaction: runs a transaction again, a bounded number of times with a short random
 * pause, when it failed with a conflict of {@link DatabaseFaults#retryableConflict} (serialization failure,
 * deadlock, lock timeout); anything else propagates at once, and so does the last conflict. The transaction
 * must be safe to run again from the start: all it did was rolled back.
 *
 * <p>Thread-safety: stateless.
 */
public final class Transactions {

    /** Tries of one transaction at most. */
    static final int ATTEMPTS = 5;

    private Transactions() {}

    /** Runs {@code transaction} in a transaction of {@code jdbi}, retrying conflicts. */
    public static <T> T retrying(Jdbi jdbi, HandleCallback<T, RuntimeException> transaction) {
        return retried(() -> jdbi.inTransaction(transaction));
    }

    /**
     * Runs {@code statement}, one statement in autocommit (its own transaction, one round trip: no BEGIN or
     * COMMIT of its own), retrying conflicts as {@link #retrying} does.
     */
    public static <T> T retryingStatement(Jdbi jdbi, HandleCallback<T, RuntimeException> statement) {
        return retried(() -> jdbi.withHandle(statement));
    }

    private static <T> T retried(java.util.function.Supplier<T> run) {
        for (int attempt = 1; ; attempt++) {
            try {
                return run.get();
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !DatabaseFaults.retryableConflict(e) || DatabaseFaults.unreachable(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(2, 10L * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Whether {@code h} talks to PostgreSQL (else the embedded H2). */
    public static boolean postgres(Handle h) {
        try {
            return h.getConnection().isWrapperFor(org.postgresql.PGConnection.class);
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.ConnectionException(e);
        }
    }
}
