package dev.solvegate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Json;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;

/** The one reader of request bodies, for both listeners. Thread-safety: stateless. */
public final class Bodies {

    /** A request body as read. */
    public sealed interface Body {
        /** No body, or an empty one. */
        record Empty() implements Body {}

        /** Bytes that are not JSON. */
        record NotJson() implements Body {}

        /** A JSON value (not necessarily an object). */
        record Parsed(JsonNode json) implements Body {}
    }

    private Bodies() {}

    /** Reads the whole body (the listener bounds its size) and parses it as JSON. */
    public static Body read(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new Body.Empty();
        }
        byte[] bytes = req.content().as(byte[].class);
        if (bytes.length == 0) {
            return new Body.Empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            return node == null ? new Body.Empty() : new Body.Parsed(node);
        } catch (IOException e) {
            return new Body.NotJson();
        }
    }
}
