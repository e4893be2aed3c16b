package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Long-poll getTaskResult ({@code waitSeconds}): the reply comes when the task ends or the time is up; waiting
 * requests hold no pooled connection; on PostgreSQL a task ending on the other node releases the wait.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class LongPollTest {

    @Parameter
    TestDatabase database;

    static TestNode first;
    static TestNode second;
    static String key;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        String url = db.freshUrl();
        // a small pool: waiting requests that held a connection each would run it dry
        Map<String, String> env = Map.of("SOLVEGATE_DB_POOL", "8");
        first = TestNode.start(url, db.user(), env);
        new Fixture(first);
        second = db == TestDatabase.POSTGRES ? TestNode.start(url, db.user(), env) : first;
        long account = first.account(500, "0.00075");
        first.credit(account, "5");
        key = first.key(account);
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

    private static long create(TestNode node, String settings) {
        String pk = UUID.randomUUID().toString();
        node.template(pk, "test", settings);
        ObjectNode body = Fixture.body(key);
        ((ObjectNode) body.get("task")).put("websitePublicKey", pk);
        Reply r = node.post("/createTask", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("taskId").asLong();
    }

    private static Reply poll(TestNode node, long id, Object wait) {
        ObjectNode body = TestNode.obj().put("clientKey", key).put("taskId", id);
        body.set("waitSeconds", dev.solvegate.server.core.Json.MAPPER.valueToTree(wait));
        return node.post("/getTaskResult", body);
    }

    @Test
    void theReplyComesWhenTheTaskEnds() {
        long id = create(first, "{\"outcome\":\"token\",\"delayMs\":1200}");
        long start = System.nanoTime();
        Reply r = poll(second, id, 20);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.json().get("status").asText()).as(r.raw()).isEqualTo("ready");
        assertThat(millis).isGreaterThanOrEqualTo(1000).isLessThan(15_000);
    }

    @Test
    void theReplyIsProcessingWhenTheTimeIsUp() {
        long id = create(first, "{\"outcome\":\"hang\"}");
        long start = System.nanoTime();
        Reply r = poll(first, id, 1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.raw()).isEqualTo("{\"errorId\":0,\"status\":\"processing\"}");
        assertThat(millis).isGreaterThanOrEqualTo(950).isLessThan(10_000);
        Reply byPath = first.get("/getTaskResult/" + id + "?waitSeconds=1", Map.of("X-Client-Key", key));
        assertThat(byPath.json().get("status").asText()).isEqualTo("processing");
    }

    @Test
    void anEndedTaskAnswersAtOnceAndLargeWaitsCountAsThirty() {
        long id = create(first, "{\"outcome\":\"unsolvable\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> poll(first, id, 0).errorCode() != null);
        long start = System.nanoTime();
        for (Object wait : new Object[] {30, 31, 100000, "999999999999999999999", Long.MAX_VALUE}) {
            Reply r = poll(second, id, wait);
            assertThat(r.errorCode()).as("%s", wait).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void aBadWaitIsRefusedAfterTheKey() {
        long id = create(first, "{\"outcome\":\"hang\"}");
        for (Object bad : new Object[] {-1, 1.5, "x", true, "-3", List.of(1)}) {
            Reply r = poll(first, id, bad);
            assertThat(r.errorCode()).as("%s", bad).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(r.json().get("errorDescription").asText()).startsWith("waitSeconds must be an integer");
        }
        assertThat(first.get("/getTaskResult/" + id + "?waitSeconds=-1", Map.of("X-Client-Key", key))
                        .errorCode())
                .isEqualTo("ERROR_MISSING_REQUEST_DATA");
        ObjectNode wrongKey =
                TestNode.obj().put("clientKey", "nope").put("taskId", id).put("waitSeconds", -1);
        assertThat(first.post("/getTaskResult", wrongKey).errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
        ObjectNode unknownTask =
                TestNode.obj().put("clientKey", key).put("taskId", 987654321).put("waitSeconds", 1);
        assertThat(first.post("/getTaskResult", unknownTask).errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
    }

    @Test
    void waitingRequestsHoldNoPooledConnection() throws Exception {
        long id = create(first, "{\"outcome\":\"hang\"}");
        int n = 40; // five times the pool
        List<Future<Reply>> waits = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                TestNode node = i % 2 == 0 ? first : second;
                waits.add(pool.submit(() -> poll(node, id, 3)));
            }
            // while they wait, the pools are idle, and the API still answers at once
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> first.node().database().activeConnections() == 0
                            && second.node().database().activeConnections() == 0);
            assertThat(first.post("/getBalance", TestNode.obj().put("clientKey", key))
                            .status())
                    .isEqualTo(200);
            for (Future<Reply> f : waits) {
                Reply r = f.get();
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                assertThat(r.json().get("status").asText()).isEqualTo("processing");
            }
        }
    }

    @Test
    void aTaskEndingOnTheOtherNodeReleasesTheWait() throws Exception {
        long id = create(first, "{\"outcome\":\"hang\"}");
        CompletableFuture<Reply> wait = CompletableFuture.supplyAsync(() -> poll(first, id, 25));
        Thread.sleep(500); // let it register and park
        assertThat(wait).isNotDone();
        long cancelled = System.nanoTime();
        Reply cancel =
                second.post("/cancelTask", TestNode.obj().put("clientKey", key).put("taskId", id));
        assertThat(cancel.raw()).isEqualTo("{\"errorId\":0}");
        Reply r = wait.get();
        long released = (System.nanoTime() - cancelled) / 1_000_000;
        assertThat(r.errorCode()).as(r.raw()).isEqualTo("ERROR_TASK_CANCELLED");
        assertThat(released).as("released %d ms after the cancel", released).isLessThan(5_000);
    }
}
