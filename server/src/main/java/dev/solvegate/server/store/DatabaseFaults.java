package dev.solvegate.server.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;

/**
 * Classifies database failures. Thread-safety: stateless.
 *
 * <p>SQLSTATEs that matter here, and what the service does with each:
 *
 * <pre>
 *   SQLSTATE  vendor        meaning                          what we do
 *   08xxx     both          connection failure               unreachable: ERROR_DATABASE_UNAVAILABLE
 *   57Pxx     PostgreSQL    server shutting down / crashed   unreachable: ERROR_DATABASE_UNAVAILABLE
 *   57014     PostgreSQL    statement cut by its timeout     unreachable: it did not answer within our bound
 *   40001     both          serialization failure            conflict: retry the whole transaction
 *   40P01     PostgreSQL    deadlock detected                conflict: retry the whole transaction
 *   55P03     PostgreSQL    lock_timeout expired             conflict: retry the whole transaction
 *   HYT00     H2            lock wait timed out (code 50200) conflict: retry the whole transaction
 *   anything else                                            ERROR_INTERNAL_DATABASE
 * </pre>
 *
 * A pool that hands out no connection within its timeout ({@link SQLTransientConnectionException}) and a
 * socket that cannot connect or times out count as unreachable too; the {@link DbGate} turning a caller away
 * ({@link DbGate.Saturated}) does not: that is overload, with the database reachable.
 */
public final class DatabaseFaults {

    private DatabaseFaults() {}

    /** Whether {@code t} or one of its causes says the database could not be reached. */
    public static boolean unreachable(Throwable t) {
        if (DbGate.saturated(t)) {
            return false; // the gate turned the caller away: the database was not even asked
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectionException || c instanceof SQLTransientConnectionException) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("57014")) {
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
     * Whether {@code t} says the connection to the database failed (as opposed to a statement cut by its timeout,
     * 57014, which a database that is slow but reachable also gives): the {@link DbGate} then believes the
     * database unreachable until a connection answers.
     */
    public static boolean connectionLost(Throwable t) {
        if (!unreachable(t)) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql && "57014".equals(sql.getSQLState())) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code t} is a transient conflict worth retrying (see the table above). */
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

    /** Whether {@code t} came from the database at all (as opposed to a bug in our own code). */
    public static boolean fromDatabase(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException || c instanceof JdbiException) {
                return true;
            }
        }
        return unreachable(t);
    }
}
