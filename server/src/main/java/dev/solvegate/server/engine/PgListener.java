package dev.solvegate.server.engine;

import dev.solvegate.server.config.Config;
import dev.solvegate.server.task.Tasks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on PostgreSQL for {@code NOTIFY solvegate_tasks} (sent by admissions and hand-backs on any node)
 * over a dedicated connection outside the pool, and wakes the dispatcher. A lost connection is reopened
 * after a second; the dispatcher is woken then too, since notifications sent meanwhile are lost.
 *
 * <p>Thread-safety: start and close once; runs on its own thread.
 */
final class PgListener implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PgListener.class.getName());

    private final Config config;
    private final Wakeup wakeup;
    private final Thread thread;
    private volatile boolean closed;

    PgListener(Config config, Wakeup wakeup) {
        this.config = config;
        this.wakeup = wakeup;
        this.thread = Thread.ofPlatform().name("solvegate-listener").daemon().unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (!closed) {
            try (Connection c = connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + Tasks.CHANNEL);
                }
                wakeup.signal();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null && notes.length > 0) {
                        wakeup.signal();
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "notification listener lost its connection; reconnecting: " + e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (config.dbUser() != null) {
            p.setProperty("user", config.dbUser());
        }
        if (config.dbPassword() != null) {
            p.setProperty("password", config.dbPassword());
        }
        p.setProperty("connectTimeout", "2");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(config.dbUrl(), p);
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
