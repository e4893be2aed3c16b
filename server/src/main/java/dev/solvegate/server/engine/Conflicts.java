package dev.solvegate.server.engine;

import dev.solvegate.server.store.DatabaseFaults;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Bounded retry of one idempotent transaction on serialization failures, deadlocks and lock timeouts (40001,
 * 40P01, 55P03, H2's lock timeout); anything else propagates at once. Thread-safety: stateless.
 */
final class Conflicts {

    private static final int ATTEMPTS = 5;

    private Conflicts() {}

    static <T> T retry(Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !DatabaseFaults.retryableConflict(e) || DatabaseFaults.unreachable(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
