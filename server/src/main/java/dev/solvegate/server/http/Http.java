package dev.solvegate.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.store.DatabaseFaults;
import dev.solvegate.server.store.DbGate;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/** What both listeners share at the edge: the one JSON send, and the health probes. Thread-safety: stateless. */
public final class Http {

    private Http() {}

    /** Sends {@code body} as JSON with {@code status}: every reply of either listener goes through here. */
    public static void json(ServerResponse res, int status, ObjectNode body) {
        json(res, status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code body}, JSON already written (a reply kept as bytes), with {@code status}. */
    public static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(CONTENT_TYPE);
        res.send(body);
    }

    private static final io.helidon.http.Header CONTENT_TYPE =
            io.helidon.http.HeaderValues.create(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/json");

    /**
     * {@code GET /healthz} (the process is up) and {@code GET /readyz}: 200 {@code ready} when the database answers
     * through the node's {@link DbGate}; 503 {@code saturated} with a reason while the gate is saturated (it turned
     * requests away within the last second, or its queue is more than half full: answered without queueing) or
     * when the probe itself was turned away; 503 {@code database unavailable} when the database does not answer.
     */
    public static void probes(HttpRouting.Builder r, Database db) {
        r.get("/healthz", (req, res) -> json(res, 200, status("ok")));
        r.get("/readyz", (req, res) -> {
            DbGate gate = db.gate();
            if (gate.saturated()) {
                json(res, 503, status("saturated").put("reason", gate.saturation()));
                return;
            }
            try {
                db.jdbi()
                        .useHandle(h ->
                                h.createQuery("SELECT 1").mapTo(Integer.class).one());
                json(res, 200, status("ready"));
            } catch (RuntimeException e) {
                if (DbGate.saturated(e)) {
                    json(res, 503, status("saturated").put("reason", gate.saturation()));
                } else {
                    if (DatabaseFaults.connectionLost(e)) {
                        gate.unreachable();
                    }
                    json(res, 503, status("database unavailable"));
                }
            }
        });
    }

    private static ObjectNode status(String status) {
        return Json.MAPPER.createObjectNode().put("status", status);
    }
}
