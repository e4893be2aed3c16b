package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.awaitEnded;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task deadline shorter than the solve timeout (200 ms vs 300 ms): the attempt is cut by the task's
 * deadline, which is {@code ERROR_TASK_TIMEOUT}; and results expire after SOLVEGATE_RESULT_TTL.
 */
class DeadlinesTest {

    static TestNode node;
    static long account;
    static String key;

    @BeforeAll
    static void start() {
        node = TestNode.start(
                TestDatabase.H2,
                Map.of(
                        "SOLVEGATE_SOLVE_TIMEOUT", "300ms",
                        "SOLVEGATE_TASK_TIMEOUT", "200ms",
                        "SOLVEGATE_RESULT_TTL", "400ms",
                        "SOLVEGATE_LEASE", "400ms",
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"));
        account = node.account(10, "0.5");
        node.credit(account, "5");
        key = node.key(account);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void attemptCutByTheTaskDeadlineEndsWithTaskTimeout() {
        long id = create(node, key, template(node, "{\"outcome\":\"hang\"}"), proxy(9));
        JsonNode r = awaitEnded(node, key, id, Duration.ofSeconds(5));
        assertThat(r.path("errorCode").asText()).as(r.toString()).isEqualTo("ERROR_TASK_TIMEOUT");
        assertThat(r.path("errorDescription").asText()).isEqualTo("Task exceeded the 200-millisecond total timeout");
        Jdbi jdbi = node.node().database().jdbi();
        assertThat(Tasks.count(jdbi, "SELECT solve_count FROM tasks WHERE id = " + id))
                .isEqualTo(1);
        assertThat(Tasks.count(jdbi, "SELECT ended_at - created_at FROM tasks WHERE id = " + id))
                .isBetween(200L, 200L + 150);
        Tasks.Books b = books(node, account);
        assertThat(b.held()).isZero();
        assertThat(b.inFlight()).isZero();
        assertThat(b.ledger()).isEqualTo(b.balance());
    }

    @Test
    void resultIsGoneAfterItsRetentionAndTheRowIsReapedButTheChargeStays() {
        long id = create(node, key, template(node, "{\"outcome\":\"token\"}"), proxy(9));
        assertThat(awaitEnded(node, key, id, Duration.ofSeconds(5))
                        .path("status")
                        .asText())
                .isEqualTo("ready");
        Jdbi jdbi = node.node().database().jdbi();
        await().atMost(Duration.ofSeconds(5)).until(() -> "ERROR_TASK_NOT_FOUND"
                .equals(Tasks.result(node, key, id).errorCode()));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE id = " + id) == 0);
        assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM ledger WHERE kind = 'charge' AND task_id = " + id))
                .isEqualTo(1);
        Tasks.Books b = books(node, account);
        assertThat(b.ledger()).isEqualTo(b.balance());
    }
}
