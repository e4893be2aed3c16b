package dev.solvegate.puzzle.site;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The site's HTTP edge: parses and validates each request, asks {@link Sites} and {@link Sessions}, and writes
 * the JSON reply. Every refusal is an {@link ApiException} mapped to a JSON error in {@link #apiError}.
 *
 * <p>Thread-safety: stateless apart from the thread-safe stores it holds.
 */
final class Api {

    private static final System.Logger LOG = System.getLogger(Api.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final String PROMPT = "Pick the image in which the arrow points straight up.";
    private static final byte[] PAGE = resource("play.html");

    private final Sites sites;
    private final Sessions sessions;

    Api(Sites sites, Sessions sessions) {
        this.sites = sites;
        this.sessions = sessions;
    }

    void routing(HttpRouting.Builder r) {
        r.get("/", this::page)
                .get("/play", this::page)
                .post("/api/session", this::createSession)
                .get("/api/session/{id}/round", this::round)
                .post("/api/session/{id}/answer", this::answer)
                .post("/api/verify", this::verify)
                .any(this::noRoute)
                .error(ApiException.class, Api::apiError)
                .error(Exception.class, Api::internalError);
    }

    private void page(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(PAGE);
    }

    private void createSession(ServerRequest req, ServerResponse res) {
        JsonNode body = body(req);
        String text = requiredString(body, "publicKey");
        if (!UUID_TEXT.matcher(text).matches()) {
            throw ApiException.badRequest("publicKey", "publicKey must be a UUID (8-4-4-4-12 hex): " + clip(text));
        }
        UUID publicKey = UUID.fromString(text);
        Sites.Site site = sites.byPublicKey(publicKey)
                .orElseThrow(
                        () -> ApiException.notFound("publicKey", "no site is registered with publicKey " + publicKey));
        Session s = sessions.create(site);
        ObjectNode out = JSON.createObjectNode();
        out.put("sessionId", s.id());
        out.put("rounds", sessions.config().rounds());
        out.put("imagesPerRound", sessions.config().imagesPerRound());
        out.put("prompt", PROMPT);
        out.put("expiresAt", s.expiresAt().toString());
        reply(res, 201, out);
    }

    private void round(ServerRequest req, ServerResponse res) {
        Session s = session(req);
        Session.Round round = s.currentRound(sessions.now());
        ObjectNode out = JSON.createObjectNode();
        out.put("sessionId", s.id());
        out.put("round", round.number());
        out.put("rounds", round.rounds());
        out.put("prompt", PROMPT);
        out.put("expiresAt", round.expiresAt().toString());
        ArrayNode images = out.putArray("images");
        round.images().forEach(images::add);
        reply(res, 200, out);
    }

    private void answer(ServerRequest req, ServerResponse res) {
        Session s = session(req);
        JsonNode body = body(req);
        int index = requiredInt(body, "index");
        Integer round = body.hasNonNull("round") ? requiredInt(body, "round") : null;
        ObjectNode out = JSON.createObjectNode();
        switch (s.answer(round, index, sessions.now(), sessions.tokenTtl())) {
            case Session.Outcome.Next next -> {
                out.put("correct", true);
                out.put("state", "active");
                out.put("round", next.round());
                out.put("rounds", next.rounds());
            }
            case Session.Outcome.Solved solved -> {
                out.put("correct", true);
                out.put("state", "solved");
                out.put("token", solved.token());
                out.put("tokenExpiresAt", solved.expiresAt().toString());
            }
            case Session.Outcome.Wrong wrong -> {
                out.put("correct", false);
                out.put("state", "failed");
                out.put("round", wrong.round());
            }
        }
        reply(res, 200, out);
    }

    private void verify(ServerRequest req, ServerResponse res) {
        JsonNode body = body(req);
        String privateKey = requiredString(body, "privateKey");
        String token = requiredString(body, "token");
        Sites.Site site = sites.byPrivateKey(privateKey)
                .orElseThrow(
                        () -> new ApiException(403, "privateKey", "privateKey does not belong to a registered site"));
        ObjectNode out = JSON.createObjectNode();
        Optional<Tokens.Claims> read = Tokens.read(site.tokenKey(), token);
        if (read.isEmpty() || !read.get().publicKey().equals(site.publicKey())) {
            invalid(res, out, "token is malformed or was not issued for this site");
            return;
        }
        Tokens.Claims claims = read.get();
        Instant now = sessions.now();
        if (now.isAfter(claims.expiresAt())) {
            invalid(res, out, "token expired at " + claims.expiresAt());
            return;
        }
        boolean first = sessions.find(claims.sessionId())
                .map(s -> s.redeem(claims.nonce()))
                .orElse(false);
        if (!first) {
            invalid(res, out, "token has already been used");
            return;
        }
        out.put("valid", true);
        out.put("publicKey", claims.publicKey().toString());
        out.put("sessionId", claims.sessionId());
        out.put("issuedAt", claims.issuedAt().toString());
        out.put("expiresAt", claims.expiresAt().toString());
        reply(res, 200, out);
    }

    private void noRoute(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        boolean known = path.equals("/")
                || path.equals("/play")
                || path.equals("/api/session")
                || path.equals("/api/verify")
                || path.matches("/api/session/[^/]+/(round|answer)");
        String method = req.prologue().method().text();
        if (known) {
            throw new ApiException(405, null, "method " + method + " is not allowed on " + clip(path));
        }
        throw ApiException.notFound(null, "no endpoint " + method + " " + clip(path));
    }

    private Session session(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        if (!Ids.looksLikeId(id)) {
            throw ApiException.notFound("sessionId", "no session " + clip(id));
        }
        return sessions.find(id).orElseThrow(() -> ApiException.notFound("sessionId", "no session " + id));
    }

    private static JsonNode body(ServerRequest req) {
        if (!req.content().hasEntity()) {
            throw ApiException.badRequest(null, "request body must be a JSON object, got none");
        }
        byte[] bytes = req.content().as(byte[].class);
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(null, "request body is not valid JSON: " + clip(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(null, "request body must be a JSON object");
        }
        return node;
    }

    private static String requiredString(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiException.badRequest(field, field + " is required");
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw ApiException.badRequest(field, field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static int requiredInt(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiException.badRequest(field, field + " is required");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.badRequest(field, field + " must be an integer: " + clip(v.toString()));
        }
        return v.intValue();
    }

    private static void invalid(ServerResponse res, ObjectNode out, String reason) {
        out.put("valid", false);
        out.put("reason", reason);
        reply(res, 200, out);
    }

    private static void apiError(ServerRequest req, ServerResponse res, ApiException e) {
        error(res, e.status(), e.field(), e.getMessage());
    }

    private static void internalError(ServerRequest req, ServerResponse res, Exception e) {
        switch (e) {
            case HttpException h ->
                error(res, h.status().code(), null, h.status().reasonPhrase());
            case RequestException r ->
                error(res, r.status().code(), null, r.status().reasonPhrase());
            default -> {
                LOG.log(
                        Level.ERROR,
                        "unexpected failure on " + req.prologue().method().text() + " "
                                + req.path().path(),
                        e);
                error(res, 500, null, "internal error");
            }
        }
    }

    private static void error(ServerResponse res, int status, String field, String message) {
        ObjectNode out = JSON.createObjectNode();
        out.put("error", message);
        if (field != null) {
            out.put("field", field);
        }
        out.put("status", status);
        reply(res, status, out);
    }

    private static void reply(ServerResponse res, int status, ObjectNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String clip(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    private static byte[] resource(String name) {
        try (InputStream in = Api.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + name, e);
        }
    }
}
