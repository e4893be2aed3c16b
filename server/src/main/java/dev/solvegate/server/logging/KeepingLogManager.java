package dev.solvegate.server.logging;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/**
 * A {@link LogManager} that only {@link Logs} may reset. The JDK's manager resets itself from a shutdown hook, which
 * silently drops what other shutdown hooks log afterwards (a node draining, a worker's last warning); libraries that
 * reset or re-read the configuration would likewise undo {@link Logs}. The handler flushes every record, so keeping it
 * open until the JVM halts loses nothing.
 *
 * <p>Installed through {@code -Djava.util.logging.manager}, which {@link Logs#configure} sets before the first use of
 * logging. Thread-safety: as {@link LogManager}.
 */
public final class KeepingLogManager extends LogManager {

    private volatile boolean ownReset;

    /** Called by {@link LogManager} itself when it reads {@code java.util.logging.manager}. */
    public KeepingLogManager() {}

    @Override
    public void reset() {
        if (ownReset) {
            super.reset();
        }
    }

    /** Replaces the configuration: the one way through {@link #reset}. */
    synchronized void readOwnConfiguration(InputStream properties) throws IOException {
        ownReset = true;
        try {
            readConfiguration(properties);
        } finally {
            ownReset = false;
        }
    }
}
