package dev.solvegate.server.store;

import dev.solvegate.server.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;

/**
 * Classifies database failures into the catalogue's two database codes. Thread-safety: stateless.
 *
 * <p>Unreachable (no connection within the pool's timeout, a connection-class SQLSTATE {@code 08…}, a
 * server shutting down {@code 57P…}) is {@code ERROR_DATABASE_UNAVAILABLE}, retryable; everything else is
 * {@code ERROR_INTERNAL_DATABASE}.
 */
public final class DatabaseFaults {

    private DatabaseFaults() {}

    /** Whether {@code t} or one of its causes says the database could not be reached. */
    public static boolean unreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectionException || c instanceof SQLTransientConnectionException) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P")) {
                    return true;
                }
            }
            if (c instanceof java.net.ConnectException || c instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code t} is a transient concurrency failure worth retrying: serialization failure (40001),
     * deadlock (40P01), or a lock wait that timed out (PostgreSQL 55P03, H2 50200).
     */
    public static boolean retryableConflict(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ("40001".equals(state)
                        || "40P01".equals(state)
                        || "55P03".equals(state)
                        || "HYT00".equals(state)
                        || sql.getErrorCode() == 50200
                        || sql.getErrorCode() == 40001) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The code a client gets for an unexpected failure {@code t}. */
    public static ErrorCode classify(Throwable t) {
        return unreachable(t) ? ErrorCode.ERROR_DATABASE_UNAVAILABLE : ErrorCode.ERROR_INTERNAL_DATABASE;
    }
}
