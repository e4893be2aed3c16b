package dev.solvegate.server.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.GuardedHttp;
import dev.solvegate.server.task.ResultBody;
import dev.solvegate.server.task.TaskView;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Delivers {@code callbackUrl}s: when a task ends, its getTaskResult body (plus {@code taskId}) is POSTed
 * once, on a virtual thread of its own, with a 2 s limit; a failure is logged and never retried, and never
 * changes the task. The host must pass the same {@link AddressGuard} as proxies, and the request goes to the
 * address that passed ({@link GuardedHttp}: no second lookup), so a client cannot make the service call its
 * internal network, not even with a DNS answer that changes between the check and the connection.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class Callbacks {

    private static final System.Logger LOG = System.getLogger(Callbacks.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final GuardedHttp http;

    Callbacks(AddressGuard guard) {
        this.http = new GuardedHttp(guard, TIMEOUT);
    }

    /** Starts delivering {@code ended}'s callback and returns at once. */
    void deliver(Settlement.Ended ended) {
        Thread.ofVirtual().name("callback-" + ended.view().id()).start(() -> post(ended));
    }

    private void post(Settlement.Ended ended) {
        try {
            int status = http.send(
                            "POST",
                            URI.create(ended.callbackUrl()),
                            Map.of("Content-Type", "application/json"),
                            body(ended).toString().getBytes(StandardCharsets.UTF_8))
                    .status();
            if (status / 100 != 2) {
                LOG.log(System.Logger.Level.INFO, "task " + ended.view().id() + ": callback answered HTTP " + status);
            }
        } catch (GuardedHttp.Refused e) {
            LOG.log(System.Logger.Level.INFO, "task " + ended.view().id() + ": callback not sent: " + e.getMessage());
        } catch (Exception e) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "task " + ended.view().id() + ": callback failed: "
                            + e.getClass().getSimpleName());
        }
    }

    /** The getTaskResult body of an ended task, with its {@code taskId}. */
    static ObjectNode body(Settlement.Ended e) {
        TaskView t = e.view();
        return t.token() != null ? ResultBody.ready(t).put("taskId", t.id()) : ResultBody.failed(t);
    }
}
