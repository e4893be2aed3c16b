package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * getQueueStats: the anti-captcha shape without a key, over all live nodes (two on PostgreSQL), computed at most
 * once per 10 s per node.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class QueueStatsTest {

    @Parameter
    TestDatabase database;

    private static JsonNode stats(TestNode node, Object queueId) {
        ObjectNode body = TestNode.obj();
        body.set("queueId", dev.solvegate.server.core.Json.MAPPER.valueToTree(queueId));
        Reply r = node.post("/getQueueStats", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json();
    }

    @Test
    void theQueueOfAllLiveNodesInTheFamilysShape() throws Exception {
        String url = database.freshUrl();
        Map<String, String> env = Map.of("SOLVEGATE_WORKERS", "4", "SOLVEGATE_LEASE", "900ms");
        try (TestNode first = TestNode.start(url, database.user(), env);
                TestNode second =
                        database == TestDatabase.POSTGRES ? TestNode.start(url, database.user(), env) : null) {
            int slots = second == null ? 4 : 8;
            new Fixture(first);
            long account = first.account(100, "0.00075");
            first.credit(account, "1");
            String key = first.key(account);

            long started = System.nanoTime();
            JsonNode idle = stats(first, 7);
            assertThat(idle.toString())
                    .isEqualTo("{\"errorId\":0,\"waiting\":0,\"load\":0,\"bid\":\"0.00075\",\"speed\":0,\"total\":"
                            + slots + "}");

            String pk = UUID.randomUUID().toString();
            first.template(pk, "test", "{\"outcome\":\"token\",\"delayMs\":400}");
            ObjectNode quick = Fixture.body(key);
            ((ObjectNode) quick.get("task")).put("websitePublicKey", pk);
            long ready = first.post("/createTask", quick).json().get("taskId").asLong();
            ObjectNode read = TestNode.obj().put("clientKey", key).put("taskId", ready);
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> first.post("/getTaskResult", read)
                                    .json()
                                    .path("status")
                                    .asText(),
                            "ready"::equals);
            List<Long> hanging = new ArrayList<>();
            for (int i = 0; i < slots + 2; i++) {
                hanging.add(first.post("/createTask", Fixture.body(key))
                        .json()
                        .get("taskId")
                        .asLong());
            }
            // cached: the same answer within 10 s, whatever happened meanwhile
            assertThat(stats(first, "7")).isEqualTo(idle);

            var jdbi = first.node().database().jdbi();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> jdbi.withHandle(h -> h.createQuery("SELECT SUM(busy) FROM nodes")
                                    .mapTo(Long.class)
                                    .one())
                            == slots);
            long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
            Thread.sleep(Math.max(0, 10_100 - waited));
            for (TestNode node : second == null ? List.of(first) : List.of(first, second)) {
                JsonNode busy = stats(node, 7);
                assertThat(busy.get("waiting").asLong()).as(busy.toString()).isEqualTo(2);
                assertThat(busy.get("load").asDouble()).isEqualTo(100.0);
                assertThat(busy.get("total").asInt()).isEqualTo(slots);
                assertThat(busy.get("bid").asText()).isEqualTo("0.00075");
                assertThat(busy.get("speed").asDouble()).isBetween(0.4, 10.0);
            }
            for (long id : hanging) {
                first.post("/cancelTask", TestNode.obj().put("clientKey", key).put("taskId", id));
            }
        }
    }

    @Test
    void anyOtherQueueOrBodyIsRefused() {
        try (TestNode node = TestNode.start(database, Map.of())) {
            for (Object bad : new Object[] {5, "10", "07", 7.5, "x", true}) {
                ObjectNode body = TestNode.obj();
                body.set("queueId", dev.solvegate.server.core.Json.MAPPER.valueToTree(bad));
                Reply r = node.post("/getQueueStats", body);
                assertThat(r.errorCode()).as("%s", bad).isEqualTo("ERROR_MISSING_REQUEST_DATA");
                assertThat(r.json().get("errorDescription").asText()).startsWith("queueId must be 7");
            }
            assertThat(node.post("/getQueueStats", "{}").errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(node.post("/getQueueStats", "").errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(node.post("/getQueueStats/", "{\"queueId\":7}").status()).isEqualTo(200);
        }
    }
}
