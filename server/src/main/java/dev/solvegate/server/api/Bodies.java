package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;

/** Reads request bodies as JSON. Thread-safety: stateless. */
final class Bodies {

    private Bodies() {}

    /** The body as a JSON object, or null when it is empty, not JSON, or not an object. */
    static JsonNode readObject(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return null;
        }
        byte[] bytes = req.content().as(byte[].class);
        if (bytes.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
