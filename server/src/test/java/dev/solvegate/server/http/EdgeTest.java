package dev.solvegate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.RawHttp;
import dev.solvegate.server.support.RawHttp.Heard;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP edge over raw sockets, the way a hostile or broken client talks: a request hidden inside a refused
 * chunked body is never served, {@code Connection: close} closes, slow or idle connections are closed after
 * their timeouts, malformed or aborted bodies are a 400 or a closed connection (never a 500), protocol errors
 * carry catalogue JSON, and a body is one JSON value with each key once.
 */
class EdgeTest {

    /** The header and body timeouts; the idle timeout is longer ({@link #IDLE}), as in production. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    /** Helidon judges idleness on a clock of one-second steps, so a connection may go up to a second early. */
    private static final Duration IDLE = Duration.ofSeconds(3);

    private static TestNode node;
    private static String key;
    private static long taskId;

    @BeforeAll
    static void start() {
        node = TestNode.start(
                TestDatabase.H2,
                Map.of(
                        "SOLVEGATE_HTTP_IDLE_TIMEOUT", "3s",
                        "SOLVEGATE_HTTP_HEADER_TIMEOUT", "1s",
                        "SOLVEGATE_HTTP_BODY_TIMEOUT", "1s",
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"));
        long account = node.account(10, "0.001");
        node.credit(account, "10");
        key = node.key(account);
        String pk = UUID.randomUUID().toString();
        node.template(pk, "test", "{\"outcome\":\"token\"}");
        JsonNode body = TestNode.obj().put("clientKey", key).set("task", task(pk));
        taskId = node.post("/createTask", body).json().path("taskId").asLong();
        assertThat(taskId).isPositive();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static JsonNode task(String pk) {
        return TestNode.obj()
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/")
                .put("websitePublicKey", pk)
                .put("websiteSubdomain", "challenge.example.org")
                .put("proxy", "http://u:p@127.0.0.1:9");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Heard talk(String request) {
        return RawHttp.talk(node.node().port(), ascii(request), Duration.ofSeconds(10));
    }

    private static String post(String path, String body, String... headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\n" + String.join("", headers) + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String metrics() {
        return node.admin("GET", "/metrics", null).raw();
    }

    @Test
    void aRequestInsideARefusedChunkedBodyIsNeverServed() throws Exception {
        String inner = "GET /getTaskResult/" + taskId + " HTTP/1.1\r\nHost: x\r\nX-Client-Key: " + key + "\r\n\r\n";
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(ascii("POST /getBalance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
        req.write(ascii(Integer.toHexString(1 << 20) + "\r\n"));
        req.write(new byte[1 << 20]);
        req.write(ascii("\r\n" + Integer.toHexString(inner.length()) + "\r\n" + inner + "\r\n0\r\n\r\n"));

        Heard h = RawHttp.talk(node.node().port(), req.toByteArray(), Duration.ofSeconds(10));

        assertThat(h.closed()).as("the connection is closed").isTrue();
        assertThat(h.statuses()).as(h.text()).isIn(java.util.List.of(413), java.util.List.of());
        assertThat(h.text()).doesNotContain("\"status\"").doesNotContain("solution");
    }

    @Test
    void aBodyLeftUnreadIsDroppedNotServedAndTheConnectionGoesOn() {
        String inner = "GET /getTaskResult/" + taskId + " HTTP/1.1\r\nHost: x\r\nX-Client-Key: " + key + "\r\n\r\n";
        String unread = "POST /noSuchMethod HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(inner.length()) + "\r\n" + inner + "\r\n0\r\n\r\n";
        String getWithBody = "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";

        Heard h = talk(unread + getWithBody + post("/getBalance", "{\"clientKey\":\"" + key + "\"}"));

        assertThat(h.statuses()).as(h.text()).containsExactly(400, 200, 200);
        assertThat(h.text()).doesNotContain("\"status\":\"ready\"").doesNotContain("processing");
        assertThat(h.text()).contains("\"balance\"");
    }

    @Test
    void connectionCloseClosesTheConnectionAfterTheReply() {
        Heard h = talk(post("/getBalance", "{\"clientKey\":\"" + key + "\"}", "Connection: close\r\n"));

        assertThat(h.statuses()).containsExactly(200);
        assertThat(h.closed()).isTrue();
        assertThat(h.millis()).as("closed at once, not after a timeout").isLessThan(800);
    }

    @Test
    void keepAliveStillServesTwoRequestsOnOneConnection() {
        String one = post("/getBalance", "{\"clientKey\":\"" + key + "\"}");
        Heard h = talk(one + one);

        assertThat(h.statuses()).containsExactly(200, 200);
        assertThat(h.closed()).as("closed by the idle timeout only").isTrue();
        assertThat(h.millis()).isGreaterThanOrEqualTo(IDLE.toMillis() - 1100);
    }

    @Test
    void idleConnectionsAndHalfSentRequestLinesAreClosedAfterTheIdleTimeout() {
        for (String request : new String[] {"", "POST /getBalance HT"}) {
            Heard h = talk(request);

            assertThat(h.closed()).as("closed: " + request).isTrue();
            assertThat(h.statuses()).as(request).isEmpty();
            assertThat(h.millis()).as(request).isBetween(IDLE.toMillis() - 1100, IDLE.toMillis() + 3000);
        }
    }

    @Test
    void halfSentHeadersAndHalfSentBodiesAreClosedAfterTheirTimeouts() {
        for (String request : new String[] {
            "POST /getBalance HTTP/1.1\r\nHost: x\r\n",
            "POST /getBalance HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"clientKey\"",
            "POST /getBalance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"clientKey\""
        }) {
            Heard h = talk(request);

            assertThat(h.closed()).as("closed: " + request).isTrue();
            assertThat(h.statuses()).as(request).doesNotContain(200, 500);
            assertThat(h.millis()).as(request).isBetween(TIMEOUT.toMillis() - 100, IDLE.toMillis());
        }
    }

    @Test
    void malformedChunkedBodiesAre400WithACatalogueBodyAndClose() throws Exception {
        for (String framing : new String[] {"zz\r\nabc\r\n0\r\n\r\n", "3\r\nabc\r\n0\r\nX\r\n", "3\r\nabcd\r\n0\r\n"}) {
            Heard h = talk("POST /getBalance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + framing);

            assertThat(h.statuses()).as(framing).containsExactly(400);
            assertThat(h.closed()).isTrue();
            JsonNode body = Json.MAPPER.readTree(h.lastBody());
            assertThat(body.path("errorCode").asText()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        }
        assertThat(metrics()).doesNotContain("code=\"ERROR_TASK_EXCEPTION\"");
    }

    @Test
    void aClientGoneMidBodyIsAClosedConnectionNotAnError() {
        // the client closes its side after part of the body: nothing is answered, and nothing counts as a failure
        long before = failures();
        for (int i = 0; i < 20; i++) {
            RawHttp.talk(
                    node.node().port(),
                    ascii("POST /createTask HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"clientKey\""),
                    Duration.ofMillis(50));
        }
        assertThat(failures()).isEqualTo(before);
    }

    /** Requests answered with an internal error so far. */
    private static long failures() {
        return metrics()
                .lines()
                .filter(l -> l.startsWith("solvegate_http_requests_seconds_count")
                        && (l.contains("ERROR_TASK_EXCEPTION") || l.contains("status=\"500\"")))
                .count();
    }

    @Test
    void protocolErrorsCarryCatalogueJson() throws Exception {
        Map<String, Integer> cases = Map.of(
                "GARBAGE\r\n\r\n",
                400,
                "GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                414,
                "GET / HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(70_000) + "\r\n\r\n",
                400,
                "POST /getBalance HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n",
                413);
        for (var c : cases.entrySet()) {
            Heard h = talk(c.getKey());

            assertThat(h.statuses())
                    .as(c.getKey().substring(0, Math.min(20, c.getKey().length())))
                    .containsExactly(c.getValue());
            assertThat(h.text()).contains("Content-Type: application/json");
            JsonNode body = Json.MAPPER.readTree(h.lastBody());
            assertThat(body.path("errorId").asInt()).isEqualTo(1);
            assertThat(body.path("errorCode").asText()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(body.path("errorDescription").asText()).isNotBlank();
            assertThat(h.closed()).isTrue();
        }
    }

    @Test
    void aChunked413IsCountedWithItsCodeNotAsOk() throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(ascii("POST /getBalance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
        req.write(ascii(Integer.toHexString((1 << 20) + 1) + "\r\n"));
        req.write(new byte[(1 << 20) + 1]);
        req.write(ascii("\r\n0\r\n\r\n"));

        RawHttp.talk(node.node().port(), req.toByteArray(), Duration.ofSeconds(10));

        String m = metrics();
        assertThat(m)
                .contains("solvegate_http_requests_seconds_count{code=\"ERROR_MISSING_REQUEST_DATA\","
                        + "method=\"getBalance\",status=\"413\"}");
        assertThat(m).doesNotContain("code=\"ok\",method=\"getBalance\",status=\"413\"");
    }

    @Test
    void trailingDataAndDuplicateKeysAreRefused() throws Exception {
        for (String body : new String[] {
            "{\"clientKey\":\"" + key + "\"} garbage",
            "{\"clientKey\":\"" + key + "\"}{}",
            "{\"clientKey\":\"wrong\",\"clientKey\":\"" + key + "\"}",
            "{\"clientKey\":\"" + key + "\",\"clientKey\":\"" + key + "\"}"
        }) {
            TestNode.Reply r = node.post("/getBalance", body);

            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        }
        assertThat(node.post("/getBalance", "{\"clientKey\":\"" + key + "\"}  \n")
                        .status())
                .as("whitespace after the value is fine")
                .isEqualTo(200);
    }

    @Test
    void theAdminListenerRefusesAnAuthenticatedBodyOverOneMebibyte() {
        int admin = node.node().adminPort();
        Heard h = RawHttp.talk(
                admin,
                ascii("POST /admin/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestNode.ADMIN_TOKEN
                        + "\r\nContent-Length: 300000000\r\n\r\n{\"name\":\""),
                Duration.ofSeconds(5));

        assertThat(h.statuses()).containsExactly(413);
        assertThat(h.closed()).isTrue();
        assertThat(h.lastBody()).contains("\"error\"");
        assertThat(RawHttp.post(admin, "/admin/accounts", new byte[(1 << 20) + 1]))
                .isIn(413, RawHttp.CLOSED);
    }
}
