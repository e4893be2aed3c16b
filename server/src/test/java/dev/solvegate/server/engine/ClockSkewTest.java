package dev.solvegate.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.Faketime;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in two JVMs on one PostgreSQL, one of them a minute ahead (libfaketime): leases, deadlines and sweeps
 * are judged by the database's clock, so the fast node never takes the slow node's running tasks for orphans and
 * every task runs exactly once. Before the fix the fast node re-queued the other's tasks at each sweep and they
 * ended ready with solveCount 2, 3, 4.
 */
class ClockSkewTest {

    static final int TASKS = 40;
    static final Map<String, String> ENV = Map.of(
            "SOLVEGATE_WORKERS", "64",
            "SOLVEGATE_SOLVE_TIMEOUT", "20s",
            "SOLVEGATE_TASK_TIMEOUT", "60s",
            "SOLVEGATE_LEASE", "2s");

    @Test
    void nodesWhoseClocksDifferByAMinuteRunEveryTaskOnce() throws Exception {
        String preload = Faketime.library();
        String url = TestDatabase.POSTGRES.freshUrl();
        String user = TestDatabase.POSTGRES.user();
        Jdbi jdbi = Tasks.jdbi(url, user);
        Map<String, String> fast = new HashMap<>(ENV);
        fast.put("LD_PRELOAD", preload);
        fast.put("FAKETIME", "+60s");
        ChildNode slow;
        ChildNode ahead;
        try (var starting = Executors.newVirtualThreadPerTaskExecutor()) {
            var fs = starting.submit(() -> ChildNode.start("skew-slow", url, user, ENV));
            var fa = starting.submit(() -> ChildNode.start("skew-ahead", url, user, fast));
            slow = fs.get();
            ahead = fa.get();
        }
        try (slow;
                ahead) {
            long account = slow.adminOk(
                            "POST",
                            "/admin/accounts",
                            TestNode.obj()
                                    .put("name", "skew")
                                    .put("maxThreads", 1000)
                                    .put("price", "0.001"))
                    .get("id")
                    .asLong();
            slow.adminOk(
                    "POST",
                    "/admin/accounts/" + account + "/credits",
                    TestNode.obj().put("amount", "1").put("reason", "t"));
            String key = slow.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj())
                    .get("clientKey")
                    .asText();
            String pk = UUID.randomUUID().toString();
            slow.adminOk(
                    "PUT",
                    "/admin/templates/" + pk,
                    TestNode.obj()
                            .put("solver", "test")
                            .set("settings", Json.MAPPER.readTree("{\"outcome\":\"token\",\"delayMs\":6000}")));

            Map<Long, Boolean> created = new ConcurrentHashMap<>();
            Map<String, Boolean> refused = new ConcurrentHashMap<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < TASKS; i++) {
                    ChildNode node = i % 2 == 0 ? slow : ahead;
                    pool.submit(() -> {
                        // a client retries what the catalogue calls retryable (a cold pool under a burst)
                        JsonNode r = null;
                        for (int attempt = 0; attempt < 5; attempt++) {
                            r = node.post("/createTask", Tasks.createBody(key, pk, Tasks.proxy(9), null))
                                    .json();
                            if (!r.path("errorCode").asText().startsWith("ERROR_DATABASE")) {
                                break;
                            }
                            Thread.sleep(200);
                        }
                        if (r.path("errorId").asInt() == 0) {
                            created.put(r.path("taskId").asLong(), true);
                        } else {
                            refused.put(r.toString(), true);
                        }
                        return null;
                    });
                }
            }
            assertThat(refused).isEmpty();
            assertThat(created).hasSize(TASKS);

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() ->
                            Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status IN ('queued', 'solving')") == 0);

            List<String> runs = jdbi.withHandle(
                    h -> h.createQuery("SELECT id || ':' || status || ':' || solve_count FROM tasks ORDER BY id")
                            .mapTo(String.class)
                            .list());
            assertThat(runs).hasSize(TASKS).allSatisfy(r -> assertThat(r).endsWith(":ready:1"));
            assertThat(ConservationTest.endedCount(slow.metrics()) + ConservationTest.endedCount(ahead.metrics()))
                    .as("settlements counted by the nodes")
                    .isEqualTo(TASKS);
            assertThat(Tasks.count(jdbi, "SELECT balance FROM accounts WHERE id = " + account))
                    .isEqualTo(1_000_000 - 1000L * TASKS)
                    .isEqualTo(Tasks.ledgerSum(jdbi, account));
            assertThat(Tasks.count(jdbi, "SELECT held + in_flight FROM accounts WHERE id = " + account))
                    .isZero();
        }
    }
}
