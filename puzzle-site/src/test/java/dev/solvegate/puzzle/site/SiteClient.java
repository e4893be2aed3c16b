package dev.solvegate.puzzle.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real HTTP client for a site on 127.0.0.1, with the calls the tests repeat. */
final class SiteClient {

    /** A reply: status, content type and body parsed as JSON when it is JSON. */
    record Reply(int status, String contentType, String text, JsonNode json) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PuzzleSite site;
    private final String base;

    SiteClient(PuzzleSite site) {
        this.site = site;
        this.base = "http://127.0.0.1:" + site.port();
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply send(String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)));
    }

    String newSession(SiteKeys keys) {
        Reply r = post("/api/session", "{\"publicKey\":\"" + keys.publicKey() + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("session not created: " + r);
        }
        return r.json().get("sessionId").asText();
    }

    /** Fetches the current round and answers it right, using the site's own record of the answer. */
    Reply answerRight(String sessionId) {
        Reply round = get("/api/session/" + sessionId + "/round");
        if (round.status() != 200) {
            throw new AssertionError("round not served: " + round);
        }
        int right = site.sessions().find(sessionId).orElseThrow().currentAnswer();
        return post("/api/session/" + sessionId + "/answer", "{\"index\":" + right + "}");
    }

    /** Plays a whole session right and returns the token. */
    String solve(SiteKeys keys) {
        String id = newSession(keys);
        while (true) {
            Reply a = answerRight(id);
            if (a.status() != 200) {
                throw new AssertionError("answer refused: " + a);
            }
            if (a.json().get("state").asText().equals("solved")) {
                return a.json().get("token").asText();
            }
        }
    }

    Reply verify(String privateKey, String token) {
        return post(
                "/api/verify",
                JSON.createObjectNode()
                        .put("privateKey", privateKey)
                        .put("token", token)
                        .toString());
    }

    private Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> res = http.send(
                    b.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String type = res.headers().firstValue("content-type").orElse("");
            JsonNode json = type.startsWith("application/json") ? JSON.readTree(res.body()) : null;
            return new Reply(res.statusCode(), type, res.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
