package dev.solvegate.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * A backlog of queued tasks past their deadline (a node whose one worker is busy, as after an outage) is ended
 * within one sweep, not a batch of a hundred per sweep: the soak left thousands queued for minutes that way.
 */
class SweepBacklogTest {

    @Test
    void aBacklogOfOverdueTasksEndsWithinOneSweep() {
        try (TestNode node = TestNode.start(
                TestDatabase.H2,
                Map.of(
                        "SOLVEGATE_WORKERS", "1",
                        "SOLVEGATE_TASK_TIMEOUT", "2s",
                        "SOLVEGATE_LEASE", "10s", // one sweep every 5 s
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"))) {
            long account = node.account(10_000, "0.001");
            node.credit(account, "10");
            String key = node.key(account);
            String hang = Tasks.template(node, "{\"outcome\":\"hang\"}");
            for (int i = 0; i < 450; i++) {
                Tasks.create(node, key, hang, Tasks.proxy(9));
            }
            Jdbi jdbi = node.node().database().jdbi();
            long start = System.nanoTime();

            await().atMost(Duration.ofSeconds(12))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'queued'") == 0);

            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("sweep backlog: 450 overdue tasks ended " + millis + " ms after the last was created");
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE error_code = 'ERROR_TASK_TIMEOUT'"))
                    .isGreaterThanOrEqualTo(449);
            assertThat(Tasks.count(jdbi, "SELECT held FROM accounts WHERE id = " + account))
                    .isLessThanOrEqualTo(1000);
        }
    }
}
