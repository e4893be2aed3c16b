package dev.solvegate.server.engine;

import dev.solvegate.server.config.Config;
import dev.solvegate.server.store.Changes;
import dev.solvegate.server.task.Tasks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The node's one listener on PostgreSQL, over a dedicated connection outside the pool: {@code NOTIFY
 * solvegate_tasks} (sent by admissions and hand-backs on any node) wakes the dispatcher, and {@code NOTIFY
 * solvegate_ended} (tasks ended on any node, their ids as payload) is fanned out to this node's waiters and
 * workers; {@code NOTIFY solvegate_changed} (the intake switch, a template, or accounts, keys and packages
 * changed, {@link Changes}) drops this node's copies of them. A lost connection is reopened after a second;
 * when it is lost and again when it is back, every waiter is woken and every copy dropped (pending task states
 * included), since notifications sent meanwhile are lost; the dispatcher is woken when it is back.
 *
 * <p>Thread-safety: start and close once; runs on its own thread.
 */
final class PgListener implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PgListener.class.getName());

    private final Config config;
    private final Wakeup wakeup;
    private final LongConsumer onEnded;
    private final Runnable onReconnect;
    private final Consumer<String> onChanged;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param onEnded told of each task end, with its id; called on the listener's thread, must not block
     * @param onReconnect told when notifications may have been lost
     * @param onChanged told of each {@link Changes} notice (its payload; {@link Changes#ALL} after a reconnect);
     *     called on the listener's thread, must not block
     */
    PgListener(Config config, Wakeup wakeup, LongConsumer onEnded, Runnable onReconnect, Consumer<String> onChanged) {
        this.config = config;
        this.wakeup = wakeup;
        this.onEnded = onEnded;
        this.onReconnect = onReconnect;
        this.onChanged = onChanged;
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
                    s.execute("LISTEN " + Tasks.ENDED_CHANNEL);
                    s.execute("LISTEN " + Changes.CHANNEL);
                }
                wakeup.signal();
                lost();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null) {
                        dispatch(notes);
                    }
                }
            } catch (SQLException e) {
                lost();
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

    /**
     * Notifications may have been missed (the connection was lost, or is back): waiters are woken and every
     * node copy is dropped, so whatever relies on notices reads the database again.
     */
    private void lost() {
        onReconnect.run();
        onChanged.accept(Changes.ALL);
    }

    private void dispatch(PGNotification[] notes) {
        boolean work = false;
        for (PGNotification n : notes) {
            if (Changes.CHANNEL.equals(n.getName())) {
                onChanged.accept(n.getParameter());
            } else if (Tasks.ENDED_CHANNEL.equals(n.getName())) {
                for (String id : n.getParameter().split(",")) {
                    try {
                        onEnded.accept(Long.parseLong(id.strip()));
                    } catch (NumberFormatException e) {
                        LOG.log(System.Logger.Level.WARNING, "ignored a task-end notification without an id");
                    }
                }
            } else {
                work = true;
            }
        }
        if (work) {
            wakeup.signal();
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
