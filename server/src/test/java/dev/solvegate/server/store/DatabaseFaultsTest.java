package dev.solvegate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/**
 * The classification of database failures. A statement cut by the server's statement timeout (57014: the soak
 * saw one on an account lock behind a slow network) is the database not answering within the bound, so
 * {@code ERROR_DATABASE_UNAVAILABLE} (retryable), not an internal error.
 */
class DatabaseFaultsTest {

    private static RuntimeException failed(String sqlState) {
        return new UnableToExecuteStatementException(new SQLException("x", sqlState), null);
    }

    @Test
    void aStatementCutByItsTimeoutIsUnreachableNotInternal() {
        assertThat(DatabaseFaults.unreachable(failed("57014"))).isTrue();
        assertThat(DatabaseFaults.unreachable(failed("57P01"))).isTrue();
        assertThat(DatabaseFaults.unreachable(failed("08006"))).isTrue();
        assertThat(DatabaseFaults.unreachable(failed("23505"))).isFalse();
        assertThat(DatabaseFaults.retryableConflict(failed("55P03"))).isTrue();
        assertThat(DatabaseFaults.retryableConflict(failed("57014"))).isFalse();
    }
}
