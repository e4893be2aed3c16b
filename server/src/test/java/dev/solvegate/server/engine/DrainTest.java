package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.awaitEnded;
import static dev.solvegate.server.engine.Tasks.books;
import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.proxy;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Shutdown drains: intake stops on the closing node only, a solve that finishes within the grace period is
 * settled there, and one that does not is handed back and finished by another node, charged once.
 */
class DrainTest {

    static final Map<String, String> ENV = Map.of(
            "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true",
            "SOLVEGATE_LEASE", "1s",
            "SOLVEGATE_DRAIN_GRACE", "1s");

    @Test
    void solveLongerThanTheGraceIsHandedBackAndFinishedByAnotherNode() throws Exception {
        String url = TestDatabase.H2.freshUrl();
        TestNode a = TestNode.start(url, null, ENV);
        long account = a.account(10, "0.5");
        a.credit(account, "5");
        String key = a.key(account);
        long id = create(a, key, template(a, "{\"outcome\":\"token\",\"delayMs\":2500}"), proxy(9));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.node().busyWorkers() == 1);
        try (TestNode b = TestNode.start(url, null, ENV)) {
            String pk = template(b, "{\"outcome\":\"token\"}");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(a::close);
            await().atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> "ERROR_SERVICE_UNAVALIABLE"
                            .equals(a.post("/createTask", Tasks.createBody(key, pk, proxy(9), null))
                                    .errorCode()));
            create(b, key, pk, proxy(9));
            closing.get();
            JsonNode r = awaitEnded(b, key, id, Duration.ofSeconds(10));
            assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ready");
            assertThat(r.path("solveCount").asInt()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> books(b, account).inFlight() == 0);
            Tasks.Books books = books(b, account);
            assertThat(books.balance()).isEqualTo(5_000_000 - 2 * 500_000);
            assertThat(books.held()).isZero();
            assertThat(books.ledger()).isEqualTo(books.balance());
        }
    }

    @Test
    void solveWithinTheGraceFinishesOnTheClosingNode() {
        TestNode a = TestNode.start(
                TestDatabase.H2, Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true", "SOLVEGATE_DRAIN_GRACE", "10s"));
        long account = a.account(10, "0.5");
        a.credit(account, "5");
        String key = a.key(account);
        long id = create(a, key, template(a, "{\"outcome\":\"token\",\"delayMs\":700}"), proxy(9));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.node().busyWorkers() == 1);
        long start = System.nanoTime();
        a.close();
        long closedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(closedMillis).isLessThan(5000);
        var jdbi = org.jdbi.v3.core.Jdbi.create(a.config().dbUrl());
        String status = jdbi.withHandle(h -> h.createQuery("SELECT status FROM tasks WHERE id = " + id)
                .mapTo(String.class)
                .one());
        assertThat(status).isEqualTo("ready");
        assertThat(Tasks.count(jdbi, "SELECT solve_count FROM tasks WHERE id = " + id))
                .isEqualTo(1);
    }

    /**
     * SIGTERM of a real {@code serve} process on the embedded file database: the drain writes its hand-back and
     * removes the node's lease row before the database closes (H2's own shutdown hook must not close it first).
     */
    @Test
    void sigtermOnTheEmbeddedDatabaseCompletesTheDrain() throws Exception {
        Path dir = Files.createTempDirectory("solvegate-drain");
        String url = Config.h2FileUrl(dir);
        long id;
        try (ChildNode node = ChildNode.start(
                "drain-h2",
                url,
                null,
                Map.of("SOLVEGATE_DRAIN_GRACE", "300ms", "SOLVEGATE_DATA_DIR", dir.toString()))) {
            long account = node.adminOk(
                            "POST", "/admin/accounts", TestNode.obj().put("name", "drain"))
                    .get("id")
                    .asLong();
            node.adminOk(
                    "POST",
                    "/admin/accounts/" + account + "/credits",
                    TestNode.obj().put("amount", "1").put("reason", "test"));
            String key = node.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj())
                    .get("clientKey")
                    .asText();
            String pk = "0d5e2a4c-1b7f-4c3e-9a2d-6f8b1c0e4a77";
            node.adminOk(
                    "PUT",
                    "/admin/templates/" + pk,
                    TestNode.obj()
                            .put("solver", "test")
                            .set("settings", TestNode.obj().put("outcome", "hang")));
            id = node.post("/createTask", Tasks.createBody(key, pk, proxy(9), null))
                    .json()
                    .get("taskId")
                    .asLong();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.metrics().contains("solvegate_workers_busy 1.0"));
        } // SIGTERM, and wait for the exit
        Jdbi jdbi = Jdbi.create(url);
        assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM nodes"))
                .as("lease row removed")
                .isZero();
        String status = jdbi.withHandle(h -> h.createQuery("SELECT status FROM tasks WHERE id = " + id)
                .mapTo(String.class)
                .one());
        assertThat(status).as("handed back").isEqualTo("queued");
        Path trace = dir.resolve("solvegate.trace.db");
        assertThat(Files.exists(trace) ? Files.readString(trace) : "").doesNotContain("already closed");
    }
}
