package dev.solvegate.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Json;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 documents of both listeners, kept as resources under {@code /openapi/} and served as JSON.
 * Thread-safety: stateless.
 */
public final class OpenApi {

    private OpenApi() {}

    /** The document {@code name} ({@code public.json}, {@code admin.json}) as written in the resources. */
    public static ObjectNode load(String name) {
        try (InputStream in = OpenApi.class.getResourceAsStream("/openapi/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /openapi/" + name);
            }
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /openapi/" + name, e);
        }
    }

    /** Sends a document made once at start-up. */
    public static void send(ServerResponse res, byte[] document) {
        res.status(200);
        res.header("Content-Type", "application/json");
        res.send(document);
    }
}
