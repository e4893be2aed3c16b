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
import dev.solvegate.server.support.TestClock;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * callbackUrl: the task's result is POSTed from the database outbox, at least once, with a delivery id and (for
 * an account with a webhook secret) a signature; failed tries are repeated with backoff, 5 at most; a slow
 * receiver never holds a worker, and tries per destination are bounded. The node's clock is a test clock, moved
 * on by the backoff so that retries come without waiting minutes.
 */
class CallbackTest {

    static final Duration MAX = Duration.ofSeconds(10);

    /** One request the receiver got. */
    record Hit(String body, String delivery, String signature, long at) {}

    static TestClock clock;
    static TestNode node;
    static long account;
    static String key;
    static HttpServer receiver;
    static final List<Hit> received = new CopyOnWriteArrayList<>();
    /** The status for the n-th request (0-based); {@code -1}: do not answer for 3 s. */
    static volatile IntUnaryOperator status = n -> 200;

    static volatile CountDownLatch gate = new CountDownLatch(0);
    static volatile long holdMillis = 0;
    static final AtomicInteger concurrent = new AtomicInteger();
    static final AtomicInteger maxConcurrent = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", ex -> {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            try {
                int n;
                synchronized (received) {
                    n = received.size();
                    received.add(new Hit(
                            new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                            ex.getRequestHeaders().getFirst("Solvegate-Delivery"),
                            ex.getRequestHeaders().getFirst("Solvegate-Signature"),
                            System.currentTimeMillis()));
                }
                gate.await(20, TimeUnit.SECONDS);
                if (holdMillis > 0) {
                    Thread.sleep(holdMillis);
                }
                int s = status.applyAsInt(n);
                if (s < 0) {
                    Thread.sleep(3000);
                    s = 200;
                }
                ex.sendResponseHeaders(s, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                concurrent.decrementAndGet();
                ex.close();
            }
        });
        receiver.start();
        clock = TestClock.at(Instant.now());
        node = TestNode.start(TestDatabase.H2, Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"), clock);
        account = node.account(50, "0.5");
        node.credit(account, "20");
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
        status = n -> 200;
        gate = new CountDownLatch(0);
        holdMillis = 0;
        maxConcurrent.set(0);
    }

    static String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private static JsonNode outbox(long taskId) {
        return node.node().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT attempts, next_at, outcome, last_status FROM callback_outbox WHERE task_id = :t")
                .bind("t", taskId)
                .map((rs, ctx) -> {
                    ObjectNode o = Json.MAPPER.createObjectNode();
                    o.put("attempts", rs.getInt("attempts"));
                    o.put("nextAt", rs.getLong("next_at"));
                    o.put("outcome", rs.getString("outcome"));
                    int last = rs.getInt("last_status");
                    o.put("lastStatus", rs.wasNull() ? null : last);
                    return (JsonNode) o;
                })
                .one());
    }

    @Test
    void aReadyTaskPostsItsResultBodyWithADeliveryIdAndNoSignatureWithoutASecret() throws IOException {
        long id = create(node, key, template(node, "{\"outcome\":\"token\"}"), proxy(9), hook());
        JsonNode result = awaitEnded(node, key, id, MAX);
        await().atMost(MAX).until(() -> received.size() == 1);
        Hit hit = received.getFirst();
        ObjectNode posted = (ObjectNode) Json.MAPPER.readTree(hit.body());
        assertThat(posted.path("taskId").asLong()).isEqualTo(id);
        posted.remove("taskId");
        assertThat(posted).isEqualTo(result);
        assertThat(hit.delivery()).matches("\\d+");
        assertThat(hit.signature()).isNull();
        await().atMost(MAX)
                .until(() -> "delivered".equals(outbox(id).path("outcome").asText()));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> received.size() == 1);
    }

    @Test
    void aSignedCallbackVerifiesWithTheAccountsCurrentSecret() throws Exception {
        long signed = node.account(5, "0.5");
        node.credit(signed, "5");
        String signedKey = node.key(signed);
        TestNode.Reply first = node.admin("POST", "/admin/accounts/" + signed + "/webhook-secret", null);
        assertThat(first.status()).isEqualTo(201);
        String old = first.json().get("secret").asText();
        String secret = node.adminOk("POST", "/admin/accounts/" + signed + "/webhook-secret", null)
                .get("secret")
                .asText();
        assertThat(secret).matches("whsec_[0-9a-f]{64}").isNotEqualTo(old);
        JsonNode view = node.accountView(signed);
        assertThat(view.get("hasWebhookSecret").asBoolean()).isTrue();
        assertThat(view.toString()).doesNotContain(secret).doesNotContain(old);
        assertThat(node.accountView(account).get("hasWebhookSecret").asBoolean())
                .isFalse();

        long id = create(node, signedKey, template(node, "{\"outcome\":\"unsolvable\"}"), proxy(9), hook());
        awaitEnded(node, signedKey, id, MAX);
        await().atMost(MAX).until(() -> received.size() == 1);
        Hit hit = received.getFirst();
        assertThat(Json.MAPPER.readTree(hit.body()).path("errorCode").asText()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
        assertThat(hit.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
        String t = hit.signature().substring(2, hit.signature().indexOf(','));
        String v1 = hit.signature().substring(hit.signature().indexOf("v1=") + 3);
        assertThat(Long.parseLong(t)).isCloseTo(clock.millis() / 1000, org.assertj.core.data.Offset.offset(30L));
        assertThat(hmac(secret, t + "." + hit.body())).isEqualTo(v1);
        assertThat(hmac(old, t + "." + hit.body())).isNotEqualTo(v1);
        assertThat(node.admin("POST", "/admin/accounts/987654/webhook-secret", null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aFailingReceiverIsTriedAgainWithBackoffUnderTheSameDeliveryId() {
        status = n -> n < 2 ? 500 : 200;
        long id = create(node, key, template(node, "{\"outcome\":\"token\"}"), proxy(9), hook());
        long[] backoff = {1_000, 5_000};
        for (int i = 0; i < 2; i++) {
            int tries = i + 1;
            await().atMost(MAX).until(() -> outbox(id).path("attempts").asInt() == tries);
            long waitFor = outbox(id).path("nextAt").asLong() - clock.millis();
            assertThat(waitFor).as("pause after try %d", tries).isBetween(backoff[i] - 2_000, backoff[i]);
            assertThat(outbox(id).path("lastStatus").asInt()).isEqualTo(500);
            clock.advance(Duration.ofMillis(backoff[i]));
        }
        await().atMost(MAX)
                .until(() -> "delivered".equals(outbox(id).path("outcome").asText()));
        assertThat(received).hasSize(3);
        assertThat(received.stream().map(Hit::delivery).distinct()).hasSize(1);
        assertThat(received.stream().map(Hit::body).distinct()).hasSize(1);
    }

    @Test
    void aReceiverIsTriedFiveTimesAtMostAndASlowAnswerIsAFailure() {
        status = n -> n == 0 ? -1 : 503; // the first answer comes after 3 s: too late
        long id = create(node, key, template(node, "{\"outcome\":\"token\"}"), proxy(9), hook());
        long[] backoff = {1_000, 5_000, 25_000, 120_000};
        for (int i = 0; i < 4; i++) {
            int tries = i + 1;
            await().atMost(MAX).until(() -> outbox(id).path("attempts").asInt() == tries);
            if (i == 0) {
                assertThat(outbox(id).path("lastStatus").isNull())
                        .as("no answer in 2 s")
                        .isTrue();
            }
            clock.advance(Duration.ofMillis(backoff[i]));
        }
        await().atMost(MAX)
                .until(() -> "gave_up".equals(outbox(id).path("outcome").asText()));
        assertThat(outbox(id).path("attempts").asInt()).isEqualTo(5);
        assertThat(outbox(id).path("lastStatus").asInt()).isEqualTo(503);
        // the task itself never changes for its callback
        assertThat(Tasks.result(node, key, id).json().path("status").asText()).isEqualTo("ready");
        clock.advance(Duration.ofMinutes(10));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> received.size() == 5);
    }

    @Test
    void aReceiverThatHangsHoldsNoWorker() {
        gate = new CountDownLatch(1);
        String pk = template(node, "{\"outcome\":\"token\"}");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(create(node, key, pk, proxy(9), hook()));
        }
        // every task ends while the receiver has answered nothing
        for (long id : ids) {
            assertThat(awaitEnded(node, key, id, MAX).path("status").asText()).isEqualTo("ready");
        }
        assertThat(gate.getCount()).isEqualTo(1);
        gate.countDown();
        for (long id : ids) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> outbox(id).path("outcome").isTextual());
            if (!"delivered".equals(outbox(id).path("outcome").asText())) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void triesToOneDestinationAreBounded() {
        holdMillis = 600;
        String pk = template(node, "{\"outcome\":\"token\"}");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(create(node, key, pk, proxy(9), hook()));
        }
        for (long id : ids) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "delivered".equals(outbox(id).path("outcome").asText()));
        }
        assertThat(received).hasSize(12);
        assertThat(maxConcurrent.get()).isBetween(2, Callbacks.PER_DESTINATION);
    }

    @Test
    void callbackToAPrivateAddressIsRefusedAtCreateTaskUnlessAllowed() {
        try (TestNode strict = TestNode.start(TestDatabase.H2, Map.of())) {
            long strictAccount = strict.account(10, "0.5");
            strict.credit(strictAccount, "5");
            String strictKey = strict.key(strictAccount);
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
            assertThat(strict.accountView(strictAccount).path("inFlight").asInt())
                    .isZero();
        }
        assertThat(received).isEmpty();
    }

    static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
