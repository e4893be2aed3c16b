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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sweep's rules, on a node whose only worker is kept busy by a hanging task so that the tasks under test
 * stay queued. The test then moves a task's deadline or lease as time (or a dead node) would.
 */
class SweepTest {

    static final Duration MAX = Duration.ofSeconds(5);

    static TestNode node;
    static Jdbi jdbi;
    static long account;
    static String key;
    static String publicKey;

    @BeforeAll
    static void start() {
        node = TestNode.start(
                TestDatabase.H2,
                Map.of(
                        "SOLVEGATE_WORKERS", "1",
                        "SOLVEGATE_SOLVE_TIMEOUT", "30s",
                        "SOLVEGATE_TASK_TIMEOUT", "60s",
                        "SOLVEGATE_LEASE", "400ms",
                        "SOLVEGATE_DRAIN_GRACE", "100ms",
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"));
        jdbi = node.node().database().jdbi();
        account = node.account(10, "0.5");
        node.credit(account, "5");
        key = node.key(account);
        publicKey = template(node, "{\"outcome\":\"hang\"}");
        long blocker = create(node, key, publicKey, proxy(9));
        await().atMost(MAX).until(() -> "solving".equals(status(blocker)));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theHeartbeatRenewsOneNodeLeaseNotEveryTask() {
        assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM nodes")).isEqualTo(1);
        long first = Tasks.count(jdbi, "SELECT lease_until FROM nodes");
        await().atMost(MAX).until(() -> Tasks.count(jdbi, "SELECT lease_until FROM nodes") > first);
        assertThat(Tasks.count(
                        jdbi,
                        "SELECT COUNT(*) FROM tasks WHERE status = 'solving' AND lease_owner = "
                                + "(SELECT id FROM nodes)"))
                .isEqualTo(1);
    }

    @Test
    void aTaskHeldWithoutAWorkerIsHandedBackAndRunAgain() {
        long id = queued();
        // as if this node had claimed it and its worker had failed to start: held, not running
        int n = jdbi.withHandle(h -> h.execute(
                "UPDATE tasks SET status = 'solving', lease_owner = (SELECT id FROM nodes), solve_count = 1, deadline = "
                        + "created_at + 1000 WHERE id = ? AND status = 'queued'",
                id));
        assertThat(n).isEqualTo(1);
        JsonNode r = Tasks.awaitEnded(node, key, id, MAX);
        assertThat(r.path("errorCode").asText()).as(r.toString()).isEqualTo("ERROR_TASK_TIMEOUT");
        assertOnlyBlockerHeld();
    }

    @Test
    void queuedTaskPastItsDeadlineFailsWithTaskTimeoutWithoutRunning() {
        long id = queued();
        jdbi.useHandle(h -> h.execute("UPDATE tasks SET deadline = created_at WHERE id = ?", id));
        JsonNode r = Tasks.awaitEnded(node, key, id, MAX);
        assertThat(r.path("errorCode").asText()).as(r.toString()).isEqualTo("ERROR_TASK_TIMEOUT");
        assertThat(Tasks.count(jdbi, "SELECT solve_count FROM tasks WHERE id = " + id))
                .isZero();
        assertOnlyBlockerHeld();
    }

    @Test
    void orphanedTaskWithoutTimeForAnAttemptFailsWithTaskCancelled() {
        long id = queued();
        orphan(id, "created_at + 1000");
        JsonNode r = Tasks.awaitEnded(node, key, id, MAX);
        assertThat(r.path("errorCode").asText()).as(r.toString()).isEqualTo("ERROR_TASK_CANCELLED");
        assertOnlyBlockerHeld();
    }

    @Test
    void orphanedTaskWithTimeLeftGoesBackToTheQueue() {
        long id = queued();
        orphan(id, "deadline");
        await().atMost(MAX)
                .until(() -> Tasks.count(
                                jdbi,
                                "SELECT COUNT(*) FROM tasks WHERE status = 'queued' AND lease_owner IS NULL AND id = "
                                        + id)
                        == 1);
        assertThat(Tasks.result(node, key, id).json().path("status").asText()).isEqualTo("processing");
        jdbi.useHandle(h -> h.execute("UPDATE tasks SET deadline = created_at WHERE id = ?", id));
        Tasks.awaitEnded(node, key, id, MAX);
    }

    /** A dead node's claim: solving, owned by a node with no lease, one attempt made. */
    private static void orphan(long id, String deadline) {
        int n = jdbi.withHandle(h -> h.execute(
                "UPDATE tasks SET status = 'solving', lease_owner = 'node-dead', solve_count = 1, deadline = "
                        + deadline + " WHERE id = ? AND status = 'queued'",
                id));
        assertThat(n).isEqualTo(1);
    }

    private static long queued() {
        long id = create(node, key, publicKey, proxy(9));
        assertThat(status(id)).isEqualTo("queued");
        return id;
    }

    private static String status(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM tasks WHERE id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .one());
    }

    private static void assertOnlyBlockerHeld() {
        Tasks.Books b = books(node, account);
        assertThat(b.inFlight()).isEqualTo(1);
        assertThat(b.held()).isEqualTo(500_000);
        assertThat(b.ledger()).isEqualTo(b.balance());
    }
}
