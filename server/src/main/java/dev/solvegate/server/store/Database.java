package dev.solvegate.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.solvegate.server.config.Config;
import java.time.Duration;
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
 * on a connection of their own, without these bounds.
 *
 * <p>Two ways into the pool: {@link #engineJdbi} for the engine, which bounds itself to {@link #engineShare} of
 * the pool ({@code engine.DbSlots}), and {@link #jdbi} for everything else, through the {@link DbGate} of the
 * rest, whose callers wait in a bounded queue past capacity. So the pool is never asked for more connections
 * than it has. Thread-safety: safe for concurrent use; close once.
 */
public final class Database implements AutoCloseable {

    /** How long a pooled PostgreSQL connection may be silent inside a statement before it is given up. */
    static final int NETWORK_TIMEOUT_MILLIS = 1500;

    /** The wait bound and queue length of {@link DbGate} when not configured (tests, the bench's ceilings). */
    static final Duration DEFAULT_QUEUE_WAIT = Duration.ofSeconds(2);

    static final int DEFAULT_QUEUE_MAX = 4096;

    private final HikariDataSource dataSource;
    private final HikariDataSource leaseSource;
    private final DbGate gate;
    private final Jdbi jdbi;
    private final Jdbi engineJdbi;
    private final Jdbi leaseJdbi;
    private final boolean postgres;

    private Database(
            HikariDataSource dataSource,
            HikariDataSource leaseSource,
            boolean postgres,
            Duration queueWait,
            int queueMax) {
        this.dataSource = dataSource;
        this.leaseSource = leaseSource;
        int poolSize = dataSource.getMaximumPoolSize();
        this.gate = new DbGate(dataSource, Math.max(1, poolSize - engineShare(poolSize)), queueWait, queueMax);
        this.jdbi = Jdbi.create(gate);
        this.engineJdbi = Jdbi.create(dataSource);
        this.leaseJdbi = Jdbi.create(leaseSource);
        this.postgres = postgres;
    }

    /** Opens the pool and migrates the schema; fails fast when the database cannot be reached. */
    public static Database open(Config config) {
        return open(
                config.dbUrl(),
                config.dbUser(),
                config.dbPassword(),
                config.dbPool(),
                config.dbQueueWait(),
                config.dbQueueMax());
    }

    /** Opens a pool of at most {@code poolSize} connections and migrates the schema; the gate's defaults. */
    public static Database open(String url, String user, String password, int poolSize) {
        return open(url, user, password, poolSize, DEFAULT_QUEUE_WAIT, DEFAULT_QUEUE_MAX);
    }

    /**
     * Opens a pool of at most {@code poolSize} connections, its gate waiting at most {@code queueWait} with at most
     * {@code queueMax} callers queued ({@link DbGate}), and migrates the schema.
     */
    public static Database open(
            String url, String user, String password, int poolSize, Duration queueWait, int queueMax) {
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
            return new Database(
                    ds, pool("solvegate-lease", 1, url, user, password, postgres), postgres, queueWait, queueMax);
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

    /**
     * The engine's share of a pool of {@code poolSize}: 3/8 of it (12 of the default 32), at least 1; the gate has
     * the rest.
     */
    public static int engineShare(int poolSize) {
        return Math.max(1, poolSize * 3 / 8);
    }

    /** Everything but the engine goes in here: through the {@link DbGate}. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** The pool without the gate, for the engine alone, which bounds itself to {@link #engineShare}. */
    public Jdbi engineJdbi() {
        return engineJdbi;
    }

    /** The gate of everything but the engine. */
    public DbGate gate() {
        return gate;
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
