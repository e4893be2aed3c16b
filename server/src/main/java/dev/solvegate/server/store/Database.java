package dev.solvegate.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.solvegate.server.config.Config;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, the schema migrations and the JDBI handle of one node.
 *
 * <p>Pool settings put a bound on every wait: a connection is had within 1.5 s or the request fails with
 * {@code ERROR_DATABASE_UNAVAILABLE}; PostgreSQL locks are waited on for at most 1 s. Thread-safety: safe
 * for concurrent use; close once.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.postgres = postgres;
    }

    /** Opens the pool and migrates the schema; fails fast when the database cannot be reached. */
    public static Database open(Config config) {
        return open(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbPool());
    }

    /** Opens a pool of at most {@code poolSize} connections and migrates the schema. */
    public static Database open(String url, String user, String password, int poolSize) {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("solvegate");
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(4, poolSize));
        hc.setConnectionTimeout(1500);
        hc.setValidationTimeout(1000);
        hc.setInitializationFailTimeout(5000);
        if (postgres) {
            hc.addDataSourceProperty("connectTimeout", "2");
            hc.addDataSourceProperty("socketTimeout", "10");
            hc.addDataSourceProperty("tcpKeepAlive", "true");
            hc.addDataSourceProperty("options", "-c lock_timeout=1000");
        }
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, postgres);
    }

    /** Connections of the pool in use now; 0 once every request and job has returned its own. */
    public int activeConnections() {
        return dataSource.getHikariPoolMXBean().getActiveConnections();
    }

    /** The most connections this node's pool opens. */
    public int poolSize() {
        return dataSource.getMaximumPoolSize();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether this is PostgreSQL (else the embedded H2). */
    public boolean postgres() {
        return postgres;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
