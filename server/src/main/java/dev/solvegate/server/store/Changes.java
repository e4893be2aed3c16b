package dev.solvegate.server.store;

import org.jdbi.v3.core.Handle;

/**
 * Notices that state every node caches has changed: the operator's intake switch ({@code intake.Intake}),
 * the templates ({@code template.TemplateStore}) and the callers ({@code account.Callers}: accounts, keys,
 * packages). On PostgreSQL the writer sends {@code NOTIFY
 * solvegate_changed, '<what>'} in the transaction of its change, delivered to every node's listener when it
 * commits ({@code engine/PgListener}), which drops the cached value; the writer's own node drops it at once. A
 * cache also reloads after a short time of its own, in case a notice was lost while a listener reconnected
 * (which drops every cache, {@link #ALL}). On H2 there is one node, and its own writes are all there is.
 *
 * <p>Thread-safety: stateless.
 */
public final class Changes {

    /** The channel every node {@code LISTEN}s on. */
    public static final String CHANNEL = "solvegate_changed";

    /** The operator's intake switch changed. */
    public static final String INTAKE = "intake";

    /** A template was created, replaced or removed. */
    public static final String TEMPLATES = "templates";

    /** Accounts, keys or packages changed: what a caller shows ({@code account.Callers}). */
    public static final String CALLERS = "callers";

    /** Anything may have changed (a listener reconnected, so notices may have been lost). */
    public static final String ALL = "*";

    /** How long a cached value is used at most without a notice: the backstop for a lost one. */
    public static final long MAX_AGE_NANOS = 1_000_000_000L;

    private Changes() {}

    /** Tells every node, when {@code h}'s transaction commits, that {@code what} changed (PostgreSQL only). */
    public static void announce(Handle h, String what) {
        if (!what.equals(INTAKE) && !what.equals(TEMPLATES) && !what.equals(CALLERS)) {
            throw new IllegalArgumentException("not a change notice: " + what);
        }
        if (Transactions.postgres(h)) {
            h.execute("NOTIFY " + CHANNEL + ", '" + what + "'");
        }
    }

    /** Whether a notice {@code what} concerns {@code mine} ({@link #INTAKE}, {@link #TEMPLATES}, {@link #CALLERS}). */
    public static boolean concerns(String what, String mine) {
        return what.equals(mine) || what.equals(ALL);
    }
}
