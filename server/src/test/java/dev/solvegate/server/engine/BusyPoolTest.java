package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.proxy;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pool busy to its last connection (a burst of requests) while the database is healthy does not cost a node its
 * lease: the heartbeat renews on a connection of its own, so the node does not abandon its running tasks and
 * they run once. Before, the heartbeat waited for a pooled connection like any request, failed after 1.5 s, and
 * after most of a lease without renewal the node abandoned its tasks, which were handed back and run again.
 */
class BusyPoolTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aRunningTaskKeepsItsLeaseWhileEveryPooledConnectionIsTaken(TestDatabase db) throws Exception {
        try (TestNode node = TestNode.start(
                db,
                Map.of(
                        "SOLVEGATE_DB_POOL", "3",
                        "SOLVEGATE_LEASE", "1s",
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"))) {
            Jdbi jdbi = node.node().database().jdbi();
            long account = node.account(10, "0.5");
            node.credit(account, "5");
            String key = node.key(account);
            long id = create(node, key, template(node, "{\"outcome\":\"token\",\"delayMs\":12000}"), proxy(9));
            await().atMost(Duration.ofSeconds(10)).until(() -> "solving".equals(status(jdbi, id)));

            // every connection of the pool (past the gate of requests, which would let the test take only its share),
            // held for eight leases while the task solves
            Jdbi pool = Jdbi.create(node.node().database().dataSource());
            List<Handle> taken = new ArrayList<>();
            try {
                for (int i = 0; i < node.node().database().poolSize(); i++) {
                    taken.add(pool.open());
                }
                Thread.sleep(8000);
            } finally {
                taken.forEach(Handle::close);
            }

            JsonNode r = Tasks.awaitEnded(node, key, id, Duration.ofSeconds(30));
            assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ready");
            assertThat(r.path("solveCount").asInt()).as(r.toString()).isEqualTo(1);
        }
    }

    private static String status(Jdbi jdbi, long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM tasks WHERE id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .one());
    }
}
