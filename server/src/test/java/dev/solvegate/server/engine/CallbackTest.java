package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.awaitEnded;
import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.proxy;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** callbackUrl: the getTaskResult body is POSTed once when the task ends, whatever the receiver answers. */
class CallbackTest {

    static final Duration MAX = Duration.ofSeconds(5);

    static TestNode node;
    static String key;
    static HttpServer receiver;
    static final List<String> received = new CopyOnWriteArrayList<>();
    static final AtomicInteger status = new AtomicInteger(200);

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        receiver.start();
        node = TestNode.start(TestDatabase.H2, Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"));
        long account = node.account(10, "0.5");
        node.credit(account, "5");
        key = node.key(account);
    }

    @AfterAll
    static void stop() {
        node.close();
        receiver.stop(0);
    }

    @BeforeEach
    void reset() {
        received.clear();
        status.set(200);
    }

    static String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @Test
    void readyTaskPostsItsResultBodyOnce() throws IOException {
        long id = create(node, key, template(node, "{\"outcome\":\"token\"}"), proxy(9), hook());
        JsonNode result = awaitEnded(node, key, id, MAX);
        await().atMost(MAX).until(() -> received.size() == 1);
        ObjectNode posted = (ObjectNode) Json.MAPPER.readTree(received.getFirst());
        assertThat(posted.path("taskId").asLong()).isEqualTo(id);
        posted.remove("taskId");
        assertThat(posted).isEqualTo(result);
        assertThat(result.path("status").asText()).isEqualTo("ready");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> received.size() == 1);
    }

    @Test
    void failedTaskPostsItsErrorBodyOnceAndAFailingReceiverIsNotRetried() throws IOException {
        status.set(500);
        long id = create(node, key, template(node, "{\"outcome\":\"unsolvable\"}"), proxy(9), hook());
        JsonNode result = awaitEnded(node, key, id, MAX);
        await().atMost(MAX).until(() -> received.size() == 1);
        assertThat(Json.MAPPER.readTree(received.getFirst())).isEqualTo(result);
        assertThat(result.path("errorCode").asText()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> received.size() == 1);
        assertThat(Tasks.result(node, key, id).json()).isEqualTo(result);
    }

    @Test
    void callbackToAPrivateAddressIsRefusedAtCreateTaskUnlessAllowed() {
        try (TestNode strict = TestNode.start(TestDatabase.H2, Map.of())) {
            long account = strict.account(10, "0.5");
            strict.credit(account, "5");
            String strictKey = strict.key(account);
            // 203.0.113.7 is a documentation address the guard allows; the test solver never dials it
            TestNode.Reply r = strict.post(
                    "/createTask",
                    Tasks.createBody(
                            strictKey,
                            template(strict, "{\"outcome\":\"token\"}"),
                            "http://user:pass@203.0.113.7:8080",
                            hook()));
            assertThat(r.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(r.json().path("errorDescription").asText())
                    .isEqualTo("callbackUrl host is a non-public address (loopback): 127.0.0.1");
            assertThat(strict.accountView(account).path("inFlight").asInt()).isZero();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(received::isEmpty);
        }
    }
}
