package dev.solvegate.server.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test of the server's suite (registered for all of them through the service loader and
 * {@code junit-platform.properties}): every pooled database connection of every running {@link TestNode} has
 * been returned. A connection still out a few seconds after the test ended is a leak in the code under test.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class PoolCheck implements AfterEachCallback {

    private static final Set<TestNode> RUNNING = ConcurrentHashMap.newKeySet();
    private static final long GRACE_MILLIS = 3000;

    static void started(TestNode node) {
        RUNNING.add(node);
    }

    static void stopped(TestNode node) {
        RUNNING.remove(node);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (TestNode node : RUNNING) {
            assertReturned(node, context.getDisplayName());
        }
    }

    /** Waits a little for work still finishing (a sweep, a settlement); then fails if connections are out. */
    static void assertReturned(TestNode node, String when) throws InterruptedException {
        long end = System.currentTimeMillis() + GRACE_MILLIS;
        int active = node.node().database().activeConnections();
        while (active > 0 && System.currentTimeMillis() < end) {
            Thread.sleep(20);
            active = node.node().database().activeConnections();
        }
        if (active > 0) {
            throw new AssertionError(active + " pooled connection(s) not returned after " + when);
        }
    }
}
