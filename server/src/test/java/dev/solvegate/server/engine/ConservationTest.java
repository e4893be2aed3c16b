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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Money is conserved across two nodes in two JVMs on one PostgreSQL: 2000 tasks with random outcomes,
 * created in parallel on both, each end exactly once, and the books balance to the micro-unit.
 */
class ConservationTest {

    static final int TASKS = 2000;
    static final int ACCOUNTS = 10;
    static final long PRICE = 1000; // 0.001
    static final Map<String, String> ENV = Map.of(
            "SOLVEGATE_WORKERS", "256",
            "SOLVEGATE_SOLVE_TIMEOUT", "1500ms",
            "SOLVEGATE_TASK_TIMEOUT", "60s",
            "SOLVEGATE_LEASE", "2s");
    /**
     * Outcome to expected code. processing-image takes 500 ms and is tried SOLVEGATE_MAX_ATTEMPTS (3) times,
     * after pauses of 375 and 750 ms. The deadline (60 s) is far beyond what any task needs, so that a loaded
     * machine, which delays claims and attempts, cannot turn an outcome into ERROR_TASK_TIMEOUT: each outcome is
     * exactly the one its solver gave (the test once allowed a timeout for processing-image, with a 6 s deadline,
     * and still failed on a loaded machine when early tasks waited that long in the queue).
     */
    static final Map<String, String> OUTCOMES = Map.of(
            "token", "ready",
            "unsolvable", "ERROR_CAPTCHA_UNSOLVABLE",
            "exception", "ERROR_TASK_EXCEPTION",
            "processing-image", "ERROR_PROCESSING_IMAGE");

    @Test
    void everyTaskEndsOnceAndTheBooksBalanceAcrossTwoNodes() throws Exception {
        String url = TestDatabase.POSTGRES.freshUrl();
        String user = TestDatabase.POSTGRES.user();
        Jdbi jdbi = Tasks.jdbi(url, user);
        ChildNode a;
        ChildNode b;
        try (var starting = Executors.newVirtualThreadPerTaskExecutor()) {
            var fa = starting.submit(() -> ChildNode.start("conservation-a", url, user, ENV));
            var fb = starting.submit(() -> ChildNode.start("conservation-b", url, user, ENV));
            a = fa.get();
            b = fb.get();
        }
        try (a;
                b) {
            List<Long> accounts = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                long account = a.adminOk(
                                "POST",
                                "/admin/accounts",
                                TestNode.obj()
                                        .put("name", "c" + i)
                                        .put("maxThreads", 100000)
                                        .put("price", "0.001"))
                        .get("id")
                        .asLong();
                a.adminOk(
                        "POST",
                        "/admin/accounts/" + account + "/credits",
                        TestNode.obj().put("amount", "5").put("reason", "t"));
                accounts.add(account);
                keys.add(a.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj())
                        .get("clientKey")
                        .asText());
            }
            Map<String, String> templates = new ConcurrentHashMap<>();
            for (String outcome : OUTCOMES.keySet()) {
                String pk = UUID.randomUUID().toString();
                a.adminOk(
                        "PUT",
                        "/admin/templates/" + pk,
                        TestNode.obj()
                                .put("solver", "test")
                                .set(
                                        "settings",
                                        Json.MAPPER.readTree("{\"outcome\":\"" + outcome + "\",\"delayMs\":"
                                                + (outcome.equals("processing-image") ? 500 : 5) + "}")));
                templates.put(outcome, pk);
            }
            List<String> outcomes = new ArrayList<>(OUTCOMES.keySet());
            Map<Long, String> expected = new ConcurrentHashMap<>();
            Map<Long, Long> accountOf = new ConcurrentHashMap<>();
            Map<String, Integer> refused = new ConcurrentHashMap<>();
            AtomicInteger retried = new AtomicInteger();
            Semaphore inFlightRequests = new Semaphore(32);
            long start = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < TASKS; i++) {
                    ChildNode node = i % 2 == 0 ? a : b;
                    String outcome = outcomes.get(ThreadLocalRandom.current().nextInt(outcomes.size()));
                    int owner = i % ACCOUNTS;
                    inFlightRequests.acquire();
                    pool.submit(() -> {
                        try {
                            // like a real client, retry what the catalogue calls retryable (an overloaded node, lock
                            // timeouts under load);
                            // a refusal must have changed nothing, which the key-set comparison below would catch
                            JsonNode r = null;
                            for (int attempt = 0; attempt < 20; attempt++) {
                                r = node.post(
                                                "/createTask",
                                                Tasks.createBody(
                                                        keys.get(owner), templates.get(outcome), Tasks.proxy(9), null))
                                        .json();
                                if (r == null
                                        || r.path("errorId").asInt() == 0
                                        || !(r.path("errorCode").asText().startsWith("ERROR_DATABASE")
                                                || r.path("errorCode").asText().equals("ERROR_SERVICE_UNAVALIABLE"))) {
                                    break;
                                }
                                retried.incrementAndGet();
                                Thread.sleep(200);
                            }
                            if (r != null && r.path("errorId").asInt() == 0) {
                                expected.put(r.path("taskId").asLong(), OUTCOMES.get(outcome));
                                accountOf.put(r.path("taskId").asLong(), accounts.get(owner));
                            } else {
                                refused.merge(
                                        r == null
                                                ? "no body"
                                                : r.path("errorCode").asText(),
                                        1,
                                        Integer::sum);
                            }
                            return null;
                        } finally {
                            inFlightRequests.release();
                        }
                    });
                }
            }
            long created = System.nanoTime();
            assertThat(refused).isEmpty();
            assertThat(expected).hasSize(TASKS);

            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() ->
                            Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status IN ('queued', 'solving')") == 0);
            long ended = System.nanoTime();
            System.out.printf(
                    "conservation: %d tasks created in %d ms (%d createTask retries), all ended %d ms later%n",
                    TASKS, (created - start) / 1_000_000, retried.get(), (ended - created) / 1_000_000);

            Map<Long, String> actual = new ConcurrentHashMap<>();
            jdbi.useHandle(h -> h.createQuery("SELECT id, status, error_code FROM tasks")
                    .map((rs, ctx) -> actual.put(
                            rs.getLong("id"),
                            "ready".equals(rs.getString("status")) ? "ready" : rs.getString("error_code")))
                    .list());
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            List<String> wrong = expected.entrySet().stream()
                    .filter(e -> !e.getValue().equals(actual.get(e.getKey())))
                    .map(e -> e.getKey() + ": expected " + e.getValue() + ", got " + actual.get(e.getKey()))
                    .toList();
            assertThat(wrong).isEmpty();
            long ready = expected.values().stream().filter("ready"::equals).count();
            assertThat(ready).isBetween(300L, 700L);
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM ledger WHERE kind = 'charge'"))
                    .isEqualTo(ready);
            assertThat(Tasks.count(jdbi, "SELECT COUNT(DISTINCT task_id) FROM ledger WHERE kind = 'charge'"))
                    .isEqualTo(ready);
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'ready' AND cost <> " + PRICE))
                    .isZero();
            for (long account : accounts) {
                long readyHere = expected.entrySet().stream()
                        .filter(e -> e.getValue().equals("ready") && accountOf.get(e.getKey()) == account)
                        .count();
                assertThat(Tasks.count(jdbi, "SELECT balance FROM accounts WHERE id = " + account))
                        .as("balance of account %d", account)
                        .isEqualTo(5_000_000 - PRICE * readyHere)
                        .isEqualTo(Tasks.ledgerSum(jdbi, account));
            }
            assertThat(Tasks.count(jdbi, "SELECT SUM(held) FROM accounts")).isZero();
            assertThat(Tasks.count(jdbi, "SELECT SUM(in_flight) FROM accounts")).isZero();
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE solve_count < 1"))
                    .isZero();

            long endedOnA = endedCount(a.metrics());
            long endedOnB = endedCount(b.metrics());
            assertThat(endedOnA + endedOnB)
                    .as("settlements counted by the nodes")
                    .isEqualTo(TASKS);
            assertThat(endedOnA).as("node a did work").isPositive();
            assertThat(endedOnB).as("node b did work").isPositive();
        }
    }

    /** The sum of solvegate_tasks_ended_total over every code. */
    static long endedCount(String metrics) {
        Matcher m = Pattern.compile("(?m)^solvegate_tasks_ended_total\\{[^}]*} ([0-9.E]+)$")
                .matcher(metrics);
        long sum = 0;
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
