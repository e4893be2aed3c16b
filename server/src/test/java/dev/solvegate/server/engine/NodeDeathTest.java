package dev.solvegate.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL mid-solve loses nothing: once its leases expire, another node re-runs the tasks
 * whose deadline still allows a whole attempt and fails the others with ERROR_TASK_CANCELLED; every hold is
 * released and every ready task charged once.
 */
class NodeDeathTest {

    static final Map<String, String> ENV = Map.of(
            "SOLVEGATE_WORKERS", "50",
            "SOLVEGATE_SOLVE_TIMEOUT", "5s",
            "SOLVEGATE_TASK_TIMEOUT", "60s",
            "SOLVEGATE_LEASE", "1s");

    @Test
    void tasksOfAKilledNodeEndOnAnotherNode() throws Exception {
        String url = TestDatabase.POSTGRES.freshUrl();
        String user = TestDatabase.POSTGRES.user();
        Jdbi jdbi = Tasks.jdbi(url, user);
        List<Long> rerun = new ArrayList<>();
        List<Long> cancelled = new ArrayList<>();
        long account;
        String key;
        try (ChildNode victim = ChildNode.start("death-victim", url, user, ENV)) {
            account = victim.adminOk(
                            "POST",
                            "/admin/accounts",
                            TestNode.obj().put("name", "d").put("price", "0.001"))
                    .get("id")
                    .asLong();
            victim.adminOk(
                    "POST",
                    "/admin/accounts/" + account + "/credits",
                    TestNode.obj().put("amount", "1").put("reason", "t"));
            key = victim.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj())
                    .get("clientKey")
                    .asText();
            String pk = UUID.randomUUID().toString();
            victim.adminOk(
                    "PUT",
                    "/admin/templates/" + pk,
                    TestNode.obj()
                            .put("solver", "test")
                            .set("settings", Json.MAPPER.readTree("{\"outcome\":\"token\",\"delayMs\":3000}")));
            for (int i = 0; i < 20; i++) {
                JsonNode r = victim.post("/createTask", Tasks.createBody(key, pk, Tasks.proxy(9), null))
                        .json();
                (i % 4 == 0 ? cancelled : rerun).add(r.path("taskId").asLong());
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'solving'") == 20);
            // a quarter of the tasks are near their deadline: too close for another whole attempt of 5 s
            jdbi.useHandle(h -> h.createUpdate("UPDATE tasks SET deadline = :d WHERE id IN (<ids>)")
                    .bind("d", System.currentTimeMillis() + 3000)
                    .bindList("ids", cancelled)
                    .execute());
            victim.kill();
        }
        long killedAt = System.currentTimeMillis();
        assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'solving'"))
                .isEqualTo(20);
        assertThat(Tasks.count(jdbi, "SELECT in_flight FROM accounts WHERE id = " + account))
                .isEqualTo(20);

        try (ChildNode survivor = ChildNode.start("death-survivor", url, user, ENV)) {
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status IN ('queued', 'solving')") == 0);
            System.out.printf(
                    "node death: all 20 tasks ended %d ms after the kill%n", System.currentTimeMillis() - killedAt);
            for (long id : rerun) {
                JsonNode r = survivor.post(
                                "/getTaskResult",
                                TestNode.obj().put("clientKey", key).put("taskId", id))
                        .json();
                assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ready");
                assertThat(r.path("solveCount").asInt()).isEqualTo(2);
            }
            for (long id : cancelled) {
                JsonNode r = survivor.post(
                                "/getTaskResult",
                                TestNode.obj().put("clientKey", key).put("taskId", id))
                        .json();
                assertThat(r.path("errorCode").asText()).as(r.toString()).isEqualTo("ERROR_TASK_CANCELLED");
            }
            assertThat(Tasks.count(jdbi, "SELECT balance FROM accounts WHERE id = " + account))
                    .isEqualTo(1_000_000 - 1000L * rerun.size())
                    .isEqualTo(Tasks.ledgerSum(jdbi, account));
            assertThat(Tasks.count(jdbi, "SELECT held FROM accounts WHERE id = " + account))
                    .isZero();
            assertThat(Tasks.count(jdbi, "SELECT in_flight FROM accounts WHERE id = " + account))
                    .isZero();
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM ledger WHERE kind = 'charge'"))
                    .isEqualTo(rerun.size());
        }
    }
}
