package dev.solvegate.server.solver;

/**
 * A plugin in {@code SOLVEGATE_PLUGINS} cannot load; the node does not start. The message is one line naming
 * the jar and the reason, such as {@code SOLVEGATE_PLUGINS: x.jar: no service entry META-INF/services/…}.
 */
public final class PluginFailure extends RuntimeException {

    PluginFailure(String jar, String reason) {
        super("SOLVEGATE_PLUGINS: " + jar + ": " + reason, null, false, false);
    }
}
