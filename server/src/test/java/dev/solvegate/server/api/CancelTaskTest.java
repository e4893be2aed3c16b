package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * cancelTask: a queued or solving task ends at once with {@code ERROR_TASK_CANCELLED}, its hold released, its
 * thread slot free and its solver stopped; an ended task is left alone; and a cancellation racing a solver that
 * finishes at the same moment settles exactly once. On PostgreSQL the cancellations go to the other node.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class CancelTaskTest {

    static final Duration MAX = Duration.ofSeconds(10);

    @Parameter
    TestDatabase database;

    static TestNode first;
    static TestNode second;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        String url = db.freshUrl();
        Map<String, String> env = Map.of("SOLVEGATE_WORKERS", "64");
        first = TestNode.start(url, db.user(), env);
        new Fixture(first);
        second = db == TestDatabase.POSTGRES ? TestNode.start(url, db.user(), env) : first;
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (second != null && second != first) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    private record Account(long id, String key) {}

    private static Account account(int maxThreads) {
        long id = first.account(maxThreads, "0.25");
        first.credit(id, "100");
        return new Account(id, first.key(id));
    }

    private static String template(String settings) {
        String pk = UUID.randomUUID().toString();
        first.template(pk, "test", settings);
        return pk;
    }

    private static long create(Account a, String pk) {
        ObjectNode body = Fixture.body(a.key());
        ((ObjectNode) body.get("task")).put("websitePublicKey", pk);
        Reply r = first.post("/createTask", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("taskId").asLong();
    }

    private static Reply cancel(TestNode node, String key, Object id) {
        ObjectNode body = TestNode.obj().put("clientKey", key);
        body.set("taskId", dev.solvegate.server.core.Json.MAPPER.valueToTree(id));
        return node.post("/cancelTask", body);
    }

    private static Reply result(String key, long id) {
        return first.post("/getTaskResult", TestNode.obj().put("clientKey", key).put("taskId", id));
    }

    private static Jdbi jdbi() {
        return first.node().database().jdbi();
    }

    private static long count(String sql) {
        return jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static String books(Account a) {
        JsonNode v = first.accountView(a.id());
        return v.get("balance").asText() + "/" + v.get("held").asText() + "/"
                + v.get("inFlight").asInt();
    }

    @Test
    void aSolvingTaskEndsAtOnceItsSolverStopsAndItsSlotIsFree() {
        Account a = account(1);
        long id = create(a, Fixture.HANG_KEY);
        await().atMost(MAX)
                .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'solving' AND id = " + id) == 1);
        assertThat(first.post("/createTask", Fixture.body(a.key())).errorCode())
                .isEqualTo("ERROR_THREAD_THRESHOLD_EXCEEDED");
        Reply r = cancel(second, a.key(), id);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw()).isEqualTo("{\"errorId\":0}");
        // at once: the slot is free and nothing is held or charged
        assertThat(books(a)).isEqualTo("100.000000/0.000000/0");
        Reply ended = result(a.key(), id);
        assertThat(ended.status()).isEqualTo(500);
        assertThat(ended.json().get("errorCode").asText()).isEqualTo("ERROR_TASK_CANCELLED");
        assertThat(ended.json().get("errorDescription").asText()).isEqualTo("Task was cancelled by the client");
        assertThat(ended.json().get("status").asText()).isEqualTo("failed");
        // the hanging solver was stopped: no worker is busy any more on either node
        await().atMost(MAX)
                .until(() -> first.node().busyWorkers() == 0 && second.node().busyWorkers() == 0);
        long next = first.post("/createTask", Fixture.body(a.key()))
                .json()
                .path("taskId")
                .asLong();
        assertThat(next).isPositive();
        cancel(first, a.key(), next);
    }

    @Test
    void aQueuedTaskEndsAndNeverRuns() {
        Account a = account(10);
        // a task whose template's solver reports no worker can take it: create with a hang template and cancel
        // in the same breath as it is queued; whether it was claimed or not, it ends cancelled and never ran to
        // a result
        long id = create(a, Fixture.HANG_KEY);
        assertThat(cancel(second, a.key(), Long.toString(id)).raw()).isEqualTo("{\"errorId\":0}");
        assertThat(result(a.key(), id).json().get("errorCode").asText()).isEqualTo("ERROR_TASK_CANCELLED");
        assertThat(books(a)).isEqualTo("100.000000/0.000000/0");
        assertThat(count("SELECT COUNT(*) FROM ledger WHERE task_id = " + id)).isZero();
    }

    @Test
    void anEndedTaskIsLeftAsItIs() {
        Account a = account(10);
        long id = create(a, template("{\"outcome\":\"token\"}"));
        await().atMost(MAX)
                .until(() -> result(a.key(), id).json().path("status").asText(), "ready"::equals);
        String before = books(a);
        String body = result(a.key(), id).raw();
        assertThat(cancel(second, a.key(), id).raw()).isEqualTo("{\"errorId\":0}");
        assertThat(result(a.key(), id).raw()).isEqualTo(body);
        assertThat(books(a)).isEqualTo(before).isEqualTo("99.750000/0.000000/0");
    }

    @Test
    void unknownForeignAndMalformedRequestsAreRefused() {
        Account a = account(10);
        Account b = account(10);
        long id = create(a, Fixture.HANG_KEY);
        assertThat(cancel(second, b.key(), id).errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
        assertThat(cancel(second, a.key(), 987654321).errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
        assertThat(cancel(second, a.key(), "abc").errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
        assertThat(cancel(second, "nope", id).errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
        Reply noId = second.post("/cancelTask", TestNode.obj().put("clientKey", a.key()));
        assertThat(noId.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        assertThat(second.post("/cancelTask", "not json").errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        // none of those touched the task
        assertThat(result(a.key(), id).json().get("status").asText()).isEqualTo("processing");
        assertThat(cancel(second, a.key(), id).raw()).isEqualTo("{\"errorId\":0}");
    }

    @Test
    void aCancellationRacingAFinishingSolverSettlesExactlyOnce() throws Exception {
        Account a = account(200);
        String pk = template("{\"outcome\":\"token\",\"delayMs\":150}");
        int n = 60;
        List<Long> ids = new ArrayList<>();
        Random random = new Random(12);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Reply>> cancels = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long id = create(a, pk);
                ids.add(id);
                // around the moment the solver answers: before, at, or after it
                long delay = random.nextInt(300);
                TestNode node = random.nextBoolean() ? first : second;
                cancels.add(pool.submit(() -> {
                    Thread.sleep(delay);
                    return cancel(node, a.key(), id);
                }));
            }
            for (Future<Reply> f : cancels) {
                assertThat(f.get().raw()).isEqualTo("{\"errorId\":0}");
            }
        }
        await().atMost(MAX)
                .until(() -> first.accountView(a.id()).get("inFlight").asInt() == 0);
        int ready = 0;
        int cancelled = 0;
        for (long id : ids) {
            JsonNode r = result(a.key(), id).json();
            if ("ready".equals(r.path("status").asText())) {
                ready++;
            } else {
                assertThat(r.path("errorCode").asText()).isEqualTo("ERROR_TASK_CANCELLED");
                cancelled++;
            }
        }
        assertThat(ready + cancelled).isEqualTo(n);
        assertThat(ready).as("both outcomes happen").isPositive();
        assertThat(cancelled).as("both outcomes happen").isPositive();
        String in = "(" + String.join(",", ids.stream().map(String::valueOf).toList()) + ")";
        assertThat(count("SELECT COUNT(*) FROM ledger WHERE kind = 'charge' AND task_id IN " + in))
                .isEqualTo(ready);
        JsonNode v = first.accountView(a.id());
        assertThat(Money.parse(v.get("balance").asText())).isEqualTo(100_000_000L - 250_000L * ready);
        assertThat(Money.parse(v.get("held").asText())).isZero();
        assertThat(count("SELECT SUM(amount) FROM ledger WHERE account_id = " + a.id()))
                .isEqualTo(100_000_000L - 250_000L * ready);
        System.out.println("cancel race on " + database + ": " + ready + " ready, " + cancelled + " cancelled");
    }
}
