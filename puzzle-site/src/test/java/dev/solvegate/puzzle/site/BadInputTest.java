package dev.solvegate.puzzle.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every endpoint answers bad input with a 4xx JSON error naming the field, never a stack trace. */
class BadInputTest {

    private static PuzzleSite site;
    private static SiteClient client;
    private static SiteKeys keys;

    @BeforeAll
    static void start() {
        site = PuzzleSite.start(PuzzleSiteConfig.defaults());
        client = new SiteClient(site);
        keys = site.registerSite();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    static Stream<Arguments> badRequests() {
        String unknownKey = "00000000-0000-4000-8000-000000000000";
        return Stream.of(
                Arguments.of("POST", "/api/session", null, 400, null, "got none"),
                Arguments.of("POST", "/api/session", "{", 400, null, "not valid JSON"),
                Arguments.of("POST", "/api/session", "[1]", 400, null, "must be a JSON object"),
                Arguments.of("POST", "/api/session", "\"x\"", 400, null, "must be a JSON object"),
                Arguments.of("POST", "/api/session", "{}", 400, "publicKey", "publicKey is required"),
                Arguments.of("POST", "/api/session", "{\"publicKey\":null}", 400, "publicKey", "publicKey is required"),
                Arguments.of(
                        "POST", "/api/session", "{\"publicKey\":42}", 400, "publicKey", "must be a non-empty string"),
                Arguments.of(
                        "POST", "/api/session", "{\"publicKey\":\"\"}", 400, "publicKey", "must be a non-empty string"),
                Arguments.of("POST", "/api/session", "{\"publicKey\":\"abc\"}", 400, "publicKey", "must be a UUID"),
                Arguments.of(
                        "POST",
                        "/api/session",
                        "{\"publicKey\":\"" + unknownKey + "\"}",
                        404,
                        "publicKey",
                        "no site is registered"),
                Arguments.of("GET", "/api/session/AAAAAAAAAAAAAAAAAAAAAA/round", null, 404, "sessionId", "no session"),
                Arguments.of("GET", "/api/session/..%2F..%2Fetc/round", null, 404, null, "no endpoint"),
                Arguments.of(
                        "GET", "/api/session/AAAAAAAAAAAAAAAAAAAAA%21/round", null, 404, "sessionId", "no session"),
                Arguments.of(
                        "POST",
                        "/api/session/AAAAAAAAAAAAAAAAAAAAAA/answer",
                        "{\"index\":0}",
                        404,
                        "sessionId",
                        "no session"),
                Arguments.of("POST", "/api/session/short/answer", "{\"index\":0}", 404, "sessionId", "no session"),
                Arguments.of("POST", "/api/verify", null, 400, null, "got none"),
                Arguments.of("POST", "/api/verify", "nope", 400, null, "not valid JSON"),
                Arguments.of("POST", "/api/verify", "{\"token\":\"t\"}", 400, "privateKey", "privateKey is required"),
                Arguments.of(
                        "POST",
                        "/api/verify",
                        "{\"privateKey\":[],\"token\":\"t\"}",
                        400,
                        "privateKey",
                        "must be a non-empty string"),
                Arguments.of("POST", "/api/verify", "{\"privateKey\":\"k\"}", 400, "token", "token is required"),
                Arguments.of(
                        "POST",
                        "/api/verify",
                        "{\"privateKey\":\"k\",\"token\":{}}",
                        400,
                        "token",
                        "must be a non-empty string"),
                Arguments.of(
                        "POST",
                        "/api/verify",
                        "{\"privateKey\":\"unregistered-key\",\"token\":\"t\"}",
                        403,
                        "privateKey",
                        "does not belong"),
                Arguments.of("GET", "/api/verify", null, 405, null, "not allowed"),
                Arguments.of("DELETE", "/api/session", null, 405, null, "not allowed"),
                Arguments.of("GET", "/api/nothing", null, 404, null, "no endpoint"),
                Arguments.of("POST", "/", "{}", 405, null, "not allowed"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("badRequests")
    void badRequestGetsJsonErrorNamingTheField(
            String method, String path, String body, int status, String field, String message) {
        SiteClient.Reply r = client.send(method, path, body);

        assertThat(r.status()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().get("error").asText()).contains(message);
        if (field == null) {
            assertThat(r.json().has("field")).isFalse();
        } else {
            assertThat(r.json().get("field").asText()).isEqualTo(field);
        }
        assertThat(r.text()).doesNotContain("at dev.solvegate").doesNotContain("Exception");
    }

    static Stream<Arguments> badAnswers() {
        return Stream.of(
                Arguments.of(null, 400, null, "got none"),
                Arguments.of("{", 400, null, "not valid JSON"),
                Arguments.of("{}", 400, "index", "index is required"),
                Arguments.of("{\"index\":\"1\"}", 400, "index", "must be an integer"),
                Arguments.of("{\"index\":1.5}", 400, "index", "must be an integer"),
                Arguments.of("{\"index\":99999999999}", 400, "index", "must be an integer"),
                Arguments.of("{\"index\":6}", 400, "index", "out of range 0..5"),
                Arguments.of("{\"index\":-1}", 400, "index", "out of range 0..5"),
                Arguments.of("{\"index\":0,\"round\":\"one\"}", 400, "round", "must be an integer"));
    }

    @ParameterizedTest(name = "answer {0} -> {1}")
    @MethodSource("badAnswers")
    void badAnswerIsRefusedAndLeavesTheSessionPlayable(String body, int status, String field, String message) {
        String id = client.newSession(keys);
        client.get("/api/session/" + id + "/round");

        SiteClient.Reply r = client.post("/api/session/" + id + "/answer", body);
        SiteClient.Reply right = client.answerRight(id);

        assertThat(r.status()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
        if (field != null) {
            assertThat(r.json().get("field").asText()).isEqualTo(field);
        }
        assertThat(right.json().get("correct").asBoolean()).isTrue();
    }

    /**
     * The site answers 413 as soon as it reads the length, then closes: a client still sending the body may see
     * the 413 or only the closed (reset) connection. Both are a refusal; any status but 413 means the body was
     * taken (this body, if read, is a valid JSON object whose key is not a UUID: 400).
     */
    @Test
    void oversizedBodyIsRefused() {
        byte[] huge = ("{\"publicKey\":\"" + "a".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(huge.length).isGreaterThan((int) PuzzleSite.MAX_BODY_BYTES);

        int status = client.postRaw("/api/session", huge);

        assertThat(status).as("413 or closed before the body was taken").isIn(413, SiteClient.CLOSED);
    }

    /** The same body just under the limit is read and judged by its content. */
    @Test
    void bodyJustUnderTheLimitIsRead() {
        String prefix = "{\"publicKey\":\"";
        int room = (int) PuzzleSite.MAX_BODY_BYTES - prefix.length() - 2;
        byte[] body = (prefix + "a".repeat(room) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isEqualTo((int) PuzzleSite.MAX_BODY_BYTES);

        assertThat(client.postRaw("/api/session", body)).isEqualTo(400);
    }
}
