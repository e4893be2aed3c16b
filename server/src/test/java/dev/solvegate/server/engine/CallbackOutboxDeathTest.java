package dev.solvegate.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The callback outbox survives SIGKILL: a node settles a task and starts delivering its callback; it is killed
 * before the delivery completes; another node (a separate JVM, sharing PostgreSQL) takes the callback over once
 * the dead node's lease ran out and delivers it, under the same delivery id and signed with the same secret.
 */
class CallbackOutboxDeathTest {

    static final Map<String, String> ENV = Map.of("SOLVEGATE_LEASE", "1s");

    record Hit(String body, String delivery, String signature) {}

    @Test
    void aCallbackInFlightWhenItsNodeIsKilledIsDeliveredByAnotherNode() throws Exception {
        List<Hit> hits = new CopyOnWriteArrayList<>();
        CountDownLatch never = new CountDownLatch(1);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", ex -> {
            int n;
            synchronized (hits) {
                n = hits.size();
                hits.add(new Hit(
                        new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                        ex.getRequestHeaders().getFirst("Solvegate-Delivery"),
                        ex.getRequestHeaders().getFirst("Solvegate-Signature")));
            }
            try {
                if (n == 0) {
                    never.await(30, TimeUnit.SECONDS); // the first try never gets its answer
                }
                ex.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        String url = TestDatabase.POSTGRES.freshUrl();
        String user = TestDatabase.POSTGRES.user();
        Jdbi jdbi = Tasks.jdbi(url, user);
        String key;
        String secret;
        long taskId;
        try (ChildNode victim = ChildNode.start("outbox-victim", url, user, ENV)) {
            long account = victim.adminOk(
                            "POST",
                            "/admin/accounts",
                            TestNode.obj().put("name", "o").put("price", "0.001"))
                    .get("id")
                    .asLong();
            victim.adminOk(
                    "POST",
                    "/admin/accounts/" + account + "/credits",
                    TestNode.obj().put("amount", "1").put("reason", "t"));
            secret = victim.adminOk("POST", "/admin/accounts/" + account + "/webhook-secret", null)
                    .get("secret")
                    .asText();
            key = victim.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj())
                    .get("clientKey")
                    .asText();
            String pk = UUID.randomUUID().toString();
            victim.adminOk(
                    "PUT",
                    "/admin/templates/" + pk,
                    TestNode.obj().put("solver", "test").set("settings", Json.MAPPER.readTree("{}")));
            JsonNode created = victim.post("/createTask", Tasks.createBody(key, pk, Tasks.proxy(9), hook))
                    .json();
            taskId = created.path("taskId").asLong();
            await().atMost(Duration.ofSeconds(20)).until(() -> hits.size() == 1);
            victim.kill();
        }
        long id = taskId;
        assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'ready' AND id = " + id))
                .isEqualTo(1);
        assertThat(Tasks.count(
                        jdbi,
                        "SELECT COUNT(*) FROM callback_outbox WHERE done_at IS NULL AND claimed_by IS NOT NULL"
                                + " AND task_id = " + id))
                .as("the dead node still holds the claim")
                .isEqualTo(1);

        try (ChildNode survivor = ChildNode.start("outbox-survivor", url, user, ENV)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Tasks.count(
                                    jdbi,
                                    "SELECT COUNT(*) FROM callback_outbox WHERE outcome = 'delivered' AND task_id = "
                                            + id)
                            == 1);
            assertThat(hits.size()).isGreaterThanOrEqualTo(2);
            Hit first = hits.getFirst();
            Hit last = hits.getLast();
            assertThat(last.delivery()).isEqualTo(first.delivery());
            assertThat(last.body()).isEqualTo(first.body());
            assertThat(Json.MAPPER.readTree(last.body()).path("taskId").asLong())
                    .isEqualTo(id);
            String t = last.signature().substring(2, last.signature().indexOf(','));
            assertThat(last.signature()).endsWith("v1=" + CallbackTest.hmac(secret, t + "." + last.body()));
            JsonNode result = survivor.post(
                            "/getTaskResult",
                            TestNode.obj().put("clientKey", key).put("taskId", id))
                    .json();
            assertThat(result.path("status").asText()).isEqualTo("ready");
        } finally {
            never.countDown();
            receiver.stop(0);
        }
    }
}
