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
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Admissions send no {@code NOTIFY} of their own (it would put every admission in line behind PostgreSQL's one
 * notification lock); the node tells the other nodes after the commits, in batches ({@code QueuedNotices}). A task
 * admitted on a node whose only worker is busy is claimed by another node at once, not at that node's next sweep
 * (every 5 s here): each of five such tasks ends within 1.5 s. Without the notice each would wait for a sweep, and
 * five in a row under 1.5 s would be a one-in-several-hundred chance.
 */
class QueuedNoticesTest {

    static final Map<String, String> ENV = Map.of("SOLVEGATE_LEASE", "30s", "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true");

    @Test
    void aTaskAdmittedOnOneNodeIsClaimedAtOnceByAnother() throws Exception {
        String url = TestDatabase.POSTGRES.freshUrl();
        String user = TestDatabase.POSTGRES.user();
        Map<String, String> one = new java.util.HashMap<>(ENV);
        one.put("SOLVEGATE_WORKERS", "1");
        try (TestNode admitting = TestNode.start(url, user, one)) {
            Jdbi jdbi = admitting.node().database().jdbi();
            long account = admitting.account(10, "0.5");
            admitting.credit(account, "5");
            String key = admitting.key(account);
            // the admitting node's only worker hangs, before the other node is there to take it
            long blocker = create(admitting, key, template(admitting, "{\"outcome\":\"hang\"}"), proxy(9));
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'solving' AND id = " + blocker)
                                    == 1);
            String quick = template(admitting, "{\"outcome\":\"token\"}");
            try (TestNode other = TestNode.start(url, user, ENV)) {
                assertThat(other.node().database().postgres()).isTrue();
                Thread.sleep(1000); // the other node's dispatcher is asleep until woken, or its next sweep
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    long id = create(admitting, key, quick, proxy(9));
                    JsonNode r = Tasks.awaitEnded(admitting, key, id, Duration.ofSeconds(10));
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ready");
                    assertThat(millis).as("createTask to ready, task %d", i).isLessThan(1500);
                }
            }
        }
    }
}
