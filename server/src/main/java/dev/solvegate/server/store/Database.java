package dev.solvegate.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.solvegate.server.config.Config;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The connection pool, the schema migrations and the JDBI handle of one node.
 *
 * <p>Pool settings put a bound on every wait, so that a database that cannot be reached is
 * {@code ERROR_DATABASE_UNAVAILABLE} within 2 s: a connection is had within 1.5 s (a pooled one found dead in
 * 0.5 s), PostgreSQL locks are waited on for at most 1 s, a statement runs for at most 1.4 s on the server, and
 * a PostgreSQL connection that says nothing for {@link #NETWORK_TIMEOUT_MILLIS} is given up (a silent partition:
 * packets dropped, no reset; the driver's own {@code socketTimeout} counts whole seconds only). Migrations run
 * on a connection of their own, without these bounds. Thread-safety: safe for concurrent use; close once.
 */
public final class Database implements AutoCloseable {

    /** How long a pooled PostgreSQL connection may be silent inside a statement before it is given up. */
    static final int NETWORK_TIMEOUT_MILLIS = 1500;

    private final HikariDataSource dataSource;
    private final HikariDataSource leaseSource;
    private final Jdbi jdbi;
    private final Jdbi leaseJdbi;
    private final boolean postgres;

    private Database(HikariDataSource dataSource, HikariDataSource leaseSource, boolean postgres) {
        this.dataSource = dataSource;
        this.leaseSource = leaseSource;
        this.jdbi = Jdbi.create(dataSource);
        this.leaseJdbi = Jdbi.create(leaseSource);
        this.postgres = postgres;
    }

    /** Opens the pool and migrates the schema; fails fast when the database cannot be reached. */
    public static Database open(Config config) {
        return open(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbPool());
    }

    /** Opens a pool of at most {@code poolSize} connections and migrates the schema. */
    public static Database open(String url, String user, String password, int poolSize) {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        Flyway.configure()
                .dataSource(url, user, password)
                // PostgreSQL also gets its server-side functions (createTask's admission, task.Admission)
                .locations(
                        postgres
                                ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                                : new String[] {"classpath:db/migration"})
                .load()
                .migrate();
        HikariDataSource ds = pool("solvegate", poolSize, url, user, password, postgres);
        try {
            return new Database(ds, pool("solvegate-lease", 1, url, user, password, postgres), postgres);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    private static HikariDataSource pool(
            String name, int size, String url, String user, String password, boolean postgres) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(4, size));
        hc.setConnectionTimeout(1500);
        hc.setValidationTimeout(500);
        hc.setInitializationFailTimeout(5000);
        if (postgres) {
            hc.setDataSource(new SilenceBound(pg(url, user, password), NETWORK_TIMEOUT_MILLIS));
        } else {
            hc.setJdbcUrl(url);
            hc.setUsername(user);
            hc.setPassword(password);
        }
        return new HikariDataSource(hc);
    }

    private static PGSimpleDataSource pg(String url, String user, String password) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(url);
        if (user != null) {
            pg.setUser(user);
        }
        if (password != null) {
            pg.setPassword(password);
        }
        pg.setConnectTimeout(2);
        pg.setApplicationName("solvegate"); // so that an operator (or a fault test) can tell its backends apart
        pg.setTcpKeepAlive(true);
        pg.setOptions("-c lock_timeout=1000 -c statement_timeout=1400");
        return pg;
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

    /**
     * One connection of its own for the engine's lease heartbeat, outside the pool: a pool busy to its last
     * connection (a burst of requests) must not make a node miss its heartbeat, abandon its running tasks and
     * have them run again, while the database itself is healthy.
     */
    public Jdbi leaseJdbi() {
        return leaseJdbi;
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
        leaseSource.close();
        dataSource.close();
    }
}
