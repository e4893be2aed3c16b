package dev.solvegate.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sets up the demo's templates and account through the node's own admin and public APIs, as an operator would
 * with {@code ./solvegate admin}: nothing reaches into the database directly.
 *
 * <p>Thread-safety: safe for concurrent use (the HTTP client is), though the demo calls it from one thread.
 */
final class DemoSetup {

    /** A stored client key is reused while its available balance is at least this. */
    static final double REUSE_MIN_BALANCE = 0.01;

    static final String CREDIT = "10";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiBase;
    private final String adminBase;
    private final String adminToken;

    DemoSetup(String apiBase, String adminBase, String adminToken) {
        this.apiBase = apiBase;
        this.adminBase = adminBase;
        this.adminToken = adminToken;
    }

    void putTemplate(String publicKey, String solver, ObjectNode settings) throws IOException, InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("solver", solver);
        body.set("settings", settings);
        admin("PUT", "/admin/templates/" + publicKey, body, 200);
    }

    /**
     * The stored client key when it still works with some balance left (so reruns print the same commands), else
     * the key of a new demo account credited with {@value #CREDIT}.
     */
    String clientKey(String stored) throws IOException, InterruptedException {
        if (stored != null && !stored.isBlank()) {
            JsonNode balance = send(
                            HttpRequest.newBuilder(URI.create(apiBase + "/getBalance")),
                            "POST",
                            Json.MAPPER.createObjectNode().put("clientKey", stored))
                    .body();
            if (balance.path("errorId").asInt(-1) == 0
                    && balance.path("balance").asDouble() >= REUSE_MIN_BALANCE) {
                return stored;
            }
        }
        JsonNode account =
                admin("POST", "/admin/accounts", Json.MAPPER.createObjectNode().put("name", "demo"), 201);
        long id = account.path("id").asLong();
        admin(
                "POST",
                "/admin/accounts/" + id + "/credits",
                Json.MAPPER.createObjectNode().put("amount", CREDIT).put("reason", "demo credit"),
                200);
        return admin("POST", "/admin/accounts/" + id + "/keys", Json.MAPPER.createObjectNode(), 201)
                .path("clientKey")
                .asText();
    }

    private JsonNode admin(String method, String path, JsonNode body, int expected)
            throws IOException, InterruptedException {
        var reply = send(
                HttpRequest.newBuilder(URI.create(adminBase + path)).header("Authorization", "Bearer " + adminToken),
                method,
                body);
        if (reply.status() != expected) {
            throw new IOException(
                    "demo setup: " + method + " " + path + " answered " + reply.status() + ": " + reply.body());
        }
        return reply.body();
    }

    private record Reply(int status, JsonNode body) {}

    private Reply send(HttpRequest.Builder request, String method, JsonNode body)
            throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(
                request.timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(res.body());
        } catch (IOException e) {
            json = Json.MAPPER.createObjectNode();
        }
        return new Reply(res.statusCode(), json == null ? Json.MAPPER.createObjectNode() : json);
    }
}
