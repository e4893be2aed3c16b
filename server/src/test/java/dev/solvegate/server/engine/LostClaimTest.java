package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.books;
import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.proxy;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A claim that committed but whose reply was lost (a connection cut at the commit) leaves a task held by this node
 * with its first attempt counted and no worker running it. The heartbeat finds it and runs that attempt here,
 * once: the task ends ready with {@code solveCount} 1. Before, it was handed back and claimed again, so that an
 * attempt that never ran was counted (it ended with {@code solveCount} 2, one of its attempts used up).
 */
class LostClaimTest {

    static final Duration MAX = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aTaskHeldSinceALostClaimReplyRunsItsAttemptOnce(TestDatabase db) {
        try (TestNode node = TestNode.start(
                db,
                Map.of(
                        "SOLVEGATE_WORKERS", "1",
                        "SOLVEGATE_LEASE", "400ms",
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"))) {
            Jdbi jdbi = node.node().database().jdbi();
            long account = node.account(10, "0.5");
            node.credit(account, "5");
            String key = node.key(account);
            // the only worker is busy, so the task under test stays queued until the test takes it as a claim would
            long blocker = create(node, key, template(node, "{\"outcome\":\"hang\"}"), proxy(9));
            await().atMost(MAX).until(() -> "solving".equals(status(jdbi, blocker)));
            long id = create(node, key, template(node, "{\"outcome\":\"token\"}"), proxy(9));
            int n = jdbi.withHandle(h -> h.execute(
                    "UPDATE tasks SET status = 'solving', lease_owner = (SELECT id FROM nodes), solve_count = 1"
                            + " WHERE id = ? AND status = 'queued'",
                    id));
            assertThat(n).isEqualTo(1);
            // the blocker ends, which frees the worker slot the held task is run on
            assertThat(node.post(
                                    "/cancelTask",
                                    TestNode.obj().put("clientKey", key).put("taskId", blocker))
                            .json()
                            .path("errorId")
                            .asInt())
                    .isZero();

            JsonNode r = Tasks.awaitEnded(node, key, id, MAX);
            assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ready");
            assertThat(r.path("solveCount").asInt()).as(r.toString()).isEqualTo(1);
            Tasks.Books b = books(node, account);
            assertThat(b.held()).isZero();
            assertThat(b.inFlight()).isZero();
            assertThat(b.balance()).isEqualTo(b.ledger()).isEqualTo(4_500_000);
        }
    }

    private static String status(Jdbi jdbi, long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM tasks WHERE id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .one());
    }
}
