package dev.solvegate.client;

import java.util.Set;

/**
 * The catalogue's retryable codes: exactly the seed's "Retryable Errors" list ({@code docs/errors.csv}, column
 * {@code retryable}; client-tests holds this set against that file). Thread-safety: immutable.
 */
final class Retryable {

    static final Set<String> CODES = Set.of(
            "ERROR_DATABASE_BALANCE",
            "ERROR_PROXY_CONNECTION",
            "ERROR_THREAD_THRESHOLD_EXCEEDED",
            "ERROR_SOLVE_TIMEOUT",
            "ERROR_PROCESSING_IMAGE",
            "ERROR_SERVICE_UNAVALIABLE",
            "ERROR_FINGERPRINT_UNAVAILABLE",
            "ERROR_DATABASE_UNAVAILABLE");

    private Retryable() {}

    static boolean code(String errorCode) {
        return CODES.contains(errorCode);
    }
}
