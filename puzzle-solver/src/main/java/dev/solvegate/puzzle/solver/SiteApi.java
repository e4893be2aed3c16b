package dev.solvegate.puzzle.solver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.spi.Failure;
import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.SolverSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The puzzle site's JSON API as the solver uses it, over the task's {@link ProxiedNetwork} only.
 *
 * <p>A 4xx answer or a reply the solver cannot read is {@link Unsolved} ({@link Failure#UNSOLVABLE}); a 5xx
 * answer is an {@link IOException}; proxy trouble is the network's {@link dev.solvegate.spi.ProxyFailure}.
 *
 * <p>Thread-safety: confined to one solve attempt.
 */
final class SiteApi {

    /** One round: its 1-based number, the site's prompt, and the images as base64 PNG text. */
    record Round(int number, String prompt, List<String> images) {}

    /** What the site said to an answer. */
    sealed interface Answer {
        record Next() implements Answer {}

        record Solved(String token) implements Answer {}

        record Rejected(int round) implements Answer {}
    }

    static final String USER_AGENT = "solvegate-puzzle-solver/1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> HEADERS =
            Map.of("Content-Type", "application/json", "Accept", "application/json", "User-Agent", USER_AGENT);

    private final ProxiedNetwork network;
    private final URI base;

    SiteApi(ProxiedNetwork network, URI base) {
        this.network = network;
        this.base = base;
    }

    /**
     * Where the site is: the {@code siteUrl} setting if given, else {@code websiteURL}'s scheme with {@code
     * websiteSubdomain} as host[:port]. The result ends with "/"; API paths are resolved against it.
     *
     * @throws Unsolved when neither gives an absolute http(s) URL
     */
    static URI base(SolveTask task, SolverSettings settings) throws Unsolved {
        String text;
        if (settings.values().containsKey("siteUrl")) {
            text = settings.string("siteUrl")
                    .orElseThrow(() -> new Unsolved(Failure.UNSOLVABLE, "setting siteUrl must be a string"));
        } else {
            String scheme = URI.create(task.websiteUrl()).getScheme();
            text = scheme + "://" + task.websiteSubdomain();
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new Unsolved(Failure.UNSOLVABLE, "site URL must be an absolute http(s) URL with a host: " + text);
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return new URI(scheme, uri.getRawAuthority(), path.endsWith("/") ? path : path + "/", null, null);
        } catch (URISyntaxException e) {
            throw new Unsolved(Failure.UNSOLVABLE, "site URL does not parse: " + text);
        }
    }

    URI base() {
        return base;
    }

    /** Opens a session for the site with {@code publicKey}; returns its id. */
    String createSession(String publicKey) throws IOException, Unsolved {
        JsonNode r = call("POST", "api/session", JSON.createObjectNode().put("publicKey", publicKey));
        return text(r, "sessionId");
    }

    Round round(String sessionId) throws IOException, Unsolved {
        JsonNode r = call("GET", "api/session/" + sessionId + "/round", null);
        JsonNode images = r.get("images");
        if (images == null || !images.isArray() || images.isEmpty()) {
            throw new Unsolved(Failure.UNSOLVABLE, "site's round has no images");
        }
        List<String> list = new ArrayList<>(images.size());
        for (JsonNode n : images) {
            if (!n.isTextual()) {
                throw new Unsolved(Failure.UNSOLVABLE, "site's round has an image that is not base64 text");
            }
            list.add(n.asText());
        }
        return new Round(r.path("round").asInt(), text(r, "prompt"), List.copyOf(list));
    }

    Answer answer(String sessionId, int round, int index) throws IOException, Unsolved {
        ObjectNode body = JSON.createObjectNode().put("round", round).put("index", index);
        JsonNode r = call("POST", "api/session/" + sessionId + "/answer", body);
        return switch (text(r, "state")) {
            case "active" -> new Answer.Next();
            case "solved" -> new Answer.Solved(text(r, "token"));
            case "failed" -> new Answer.Rejected(round);
            default -> throw new Unsolved(Failure.UNSOLVABLE, "site answered an unknown state: " + r.get("state"));
        };
    }

    private JsonNode call(String method, String path, ObjectNode body) throws IOException, Unsolved {
        byte[] bytes = body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8);
        ProxiedNetwork.HttpReply reply = network.send(method, base.resolve(path), HEADERS, bytes);
        if (reply.status() >= 500) {
            throw new IOException("site answered " + reply.status() + " to " + method + " /" + firstSegments(path));
        }
        JsonNode json;
        try {
            json = JSON.readTree(reply.body());
        } catch (JsonProcessingException e) {
            throw new Unsolved(
                    Failure.UNSOLVABLE, "site's reply to " + method + " /" + firstSegments(path) + " is not JSON");
        }
        if (reply.status() >= 400 || reply.status() < 200) {
            String error =
                    json != null && json.hasNonNull("error") ? json.get("error").asText() : "no detail";
            throw new Unsolved(
                    Failure.UNSOLVABLE,
                    "site refused " + method + " /" + firstSegments(path) + " with " + reply.status() + ": " + error);
        }
        if (json == null || !json.isObject()) {
            throw new Unsolved(
                    Failure.UNSOLVABLE, "site's reply to " + method + " /" + firstSegments(path) + " is not an object");
        }
        return json;
    }

    private static String text(JsonNode json, String field) throws Unsolved {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new Unsolved(Failure.UNSOLVABLE, "site's reply lacks the text field " + field);
        }
        return v.asText();
    }

    /** The path without the session id, for messages. */
    private static String firstSegments(String path) {
        return path.replaceAll("session/[^/]+/", "session/{id}/");
    }
}
