package dev.solvegate.server.support;

import dev.solvegate.server.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh, empty database for one test class: an in-memory H2, or a new schema in the local PostgreSQL
 * ({@code 127.0.0.1:5432/test}, user {@code postgres}, or {@code SOLVEGATE_TEST_PG_URL}). Under {@code CI=true} a
 * missing PostgreSQL fails the test; elsewhere it is skipped with a notice.
 */
public enum TestDatabase {
    H2,
    POSTGRES;

    public static final String PG_BASE =
            System.getenv().getOrDefault("SOLVEGATE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getenv().getOrDefault("SOLVEGATE_TEST_PG_USER", "postgres");

    /** A JDBC URL of a database (or schema) nobody else uses. */
    public String freshUrl() {
        String name = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return switch (this) {
            case H2 -> "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1" + Config.H2_OPTIONS;
            case POSTGRES -> {
                requirePostgres();
                try (Connection c = DriverManager.getConnection(PG_BASE, PG_USER, null)) {
                    c.createStatement().execute("CREATE SCHEMA " + name);
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot create a test schema in " + PG_BASE, e);
                }
                yield PG_BASE + (PG_BASE.contains("?") ? "&" : "?") + "currentSchema=" + name;
            }
        };
    }

    public String user() {
        return this == POSTGRES ? PG_USER : null;
    }

    /** Skips (or under CI fails) when PostgreSQL cannot be reached. */
    public static void requirePostgres() {
        try (Connection c = DriverManager.getConnection(PG_BASE, PG_USER, null)) {
            c.isValid(2);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(
                        "PostgreSQL tests must run under CI, but " + PG_BASE + " is unreachable", e);
            }
            System.err.println("NOTICE: PostgreSQL at " + PG_BASE + " is unreachable; skipping PostgreSQL tests");
            Assumptions.abort("PostgreSQL unreachable at " + PG_BASE);
        }
    }
}
