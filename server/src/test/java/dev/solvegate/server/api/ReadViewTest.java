package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestClock;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import dev.solvegate.server.task.TaskStates;
import dev.solvegate.server.task.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
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
 * The node's view of task states and its cache of keys (docs/ARCHITECTURE.md, "The read path"), on one node:
 * an ended task is answered from memory until its retention ends and then is not found, another account's task
 * is not found, an end on this node is seen at the next poll, and an operator's change to an account or key is
 * seen by the next request. The same on H2 and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ReadViewTest {

    static final Duration TTL = Duration.ofSeconds(60);

    @Parameter
    TestDatabase database;

    static TestNode node;
    static TestClock clock;
    static String instant;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        clock = TestClock.at(Instant.now());
        node = TestNode.start(db, Map.of("SOLVEGATE_RESULT_TTL", TTL.toSeconds() + "s"), clock);
        new Fixture(node);
        instant = UUID.randomUUID().toString();
        node.template(instant, "test", "{\"outcome\":\"token\",\"delayMs\":0}");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String newKey() {
        long account = node.account(50, "0.00075");
        node.credit(account, "1");
        return node.key(account);
    }

    private static long create(String key, String publicKey) {
        ObjectNode body = Fixture.body(key);
        ((ObjectNode) body.get("task")).put("websitePublicKey", publicKey);
        Reply r = node.post("/createTask", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("taskId").asLong();
    }

    private static Reply poll(String key, long id) {
        return node.post("/getTaskResult", TestNode.obj().put("clientKey", key).put("taskId", id));
    }

    private static Reply awaitReady(String key, long id) {
        return await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> poll(key, id), r -> "ready"
                        .equals(r.json().path("status").asText()));
    }

    private static void deleteRow(long id) {
        node.node().database().jdbi().useHandle(h -> h.execute("DELETE FROM tasks WHERE id = ?", id));
    }

    @Test
    void readyTaskIsAnsweredFromMemoryUntilItsRetentionEnds() {
        String key = newKey();
        long id = create(key, instant);
        Reply ready = awaitReady(key, id);
        // gone from the database, the reply still comes from this node's view, unchanged
        deleteRow(id);
        Reply again = poll(key, id);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.raw()).isEqualTo(ready.raw());
        clock.advance(TTL.plusSeconds(1));
        try {
            Reply gone = poll(key, id);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
        } finally {
            clock.advance(TTL.plusSeconds(1).negated());
        }
    }

    @Test
    void anotherAccountsTaskIsNotFoundEvenWhenKnown() {
        String owner = newKey();
        String other = newKey();
        long ready = create(owner, instant);
        awaitReady(owner, ready);
        long pending = create(owner, Fixture.HANG_KEY);
        assertThat(poll(owner, pending).json().path("status").asText()).isEqualTo("processing");
        for (long id : new long[] {ready, pending}) {
            Reply r = poll(other, id);
            assertThat(r.errorCode()).as(r.raw()).isEqualTo("ERROR_TASK_NOT_FOUND");
            Reply cancel = node.post(
                    "/cancelTask", TestNode.obj().put("clientKey", other).put("taskId", id));
            assertThat(cancel.errorCode()).as(cancel.raw()).isEqualTo("ERROR_TASK_NOT_FOUND");
        }
        assertThat(poll(owner, pending).json().path("status").asText()).isEqualTo("processing");
    }

    @Test
    void anEndOnThisNodeIsSeenAtTheNextPoll() {
        String key = newKey();
        long id = create(key, Fixture.HANG_KEY);
        assertThat(poll(key, id).json().path("status").asText()).isEqualTo("processing");
        Reply cancel =
                node.post("/cancelTask", TestNode.obj().put("clientKey", key).put("taskId", id));
        assertThat(cancel.json().path("errorId").asInt()).as(cancel.raw()).isZero();
        Reply after = poll(key, id);
        assertThat(after.errorCode()).as(after.raw()).isEqualTo("ERROR_TASK_CANCELLED");
        assertThat(after.json().path("status").asText()).isEqualTo("failed");
    }

    @Test
    void aPendingTaskIsReadAgainWithinASecondWhenNoEndIsTold() {
        String key = newKey();
        long id = create(key, Fixture.HANG_KEY);
        assertThat(poll(key, id).json().path("status").asText()).isEqualTo("processing");
        // an end this node is not told of (as when a notification is lost): the database alone knows
        deleteRow(id);
        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> poll(key, id).errorCode(), "ERROR_TASK_NOT_FOUND"::equals);
    }

    @Test
    void oneStatementReadsAnyNumberOfIdsUpToItsMost() {
        String key = newKey();
        long a = create(key, Fixture.HANG_KEY);
        long b = create(key, Fixture.HANG_KEY);
        for (int n : new int[] {1, 2, 3, 5, 1000, 1024}) {
            List<Long> ids = new ArrayList<>();
            ids.add(a);
            for (long missing = 1; ids.size() < n - 1; missing++) {
                ids.add(-missing); // no such task
            }
            if (n > 1) {
                ids.add(b);
            }
            Map<Long, Tasks.Owned> rows = node.node().database().jdbi().withHandle(h -> Tasks.results(h, ids));
            assertThat(rows.keySet())
                    .as("%d ids", n)
                    .containsExactlyInAnyOrderElementsOf(n > 1 ? List.of(a, b) : List.of(a));
            assertThat(rows.get(a).view().status()).isIn("queued", "solving");
        }
    }

    /** "id who what": what a poll answered, its error code or else its status. */
    private static String answer(long id, String who, Reply r) {
        String code = r.errorCode();
        return id + " " + who + " "
                + (code != null ? code : r.json().path("status").asText());
    }

    @Test
    void manyPollsMissingAtOnceAreEachAnsweredRight() throws Exception {
        String owner = newKey();
        String other = newKey();
        long[] ids = new long[30];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = create(owner, Fixture.HANG_KEY);
        }
        long gone = ids[0];
        deleteRow(gone);
        // entries a second old and more: every poll below reads the database, together with the others in flight
        Thread.sleep(TaskStates.PENDING_FRESH.toMillis() + 100);

        List<Callable<String>> polls = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (long id : ids) {
                polls.add(() -> answer(id, "owner", poll(owner, id)));
                polls.add(() -> answer(id, "other", poll(other, id)));
            }
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<String> f : pool.invokeAll(polls)) {
                String[] answer = f.get().split(" ");
                long id = Long.parseLong(answer[0]);
                String expected = answer[1].equals("other") || id == gone ? "ERROR_TASK_NOT_FOUND" : "processing";
                assertThat(answer[2])
                        .as("task %d asked by its %s", id, answer[1])
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void suspensionRevocationAndErrorStatusAreSeenByTheNextRequest() {
        long account = node.account(50, "0.00075");
        node.credit(account, "1");
        var made = node.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj());
        String key = made.get("clientKey").asText();
        long keyId = made.get("id").asLong();
        long id = create(key, Fixture.HANG_KEY);
        assertThat(poll(key, id).status()).isEqualTo(200);
        assertThat(node.post("/getBalance", TestNode.obj().put("clientKey", key))
                        .status())
                .isEqualTo(200);

        node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "suspended"));
        assertThat(poll(key, id).errorCode()).isEqualTo("ERROR_ACCOUNT_SUSPENDED");
        assertThat(node.post("/getBalance", TestNode.obj().put("clientKey", key))
                        .errorCode())
                .isEqualTo("ERROR_ACCOUNT_SUSPENDED");

        node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "active"));
        assertThat(poll(key, id).status()).isEqualTo(200);

        node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("errorStatus", "200"));
        Reply notFound = poll(key, id + 1_000_000);
        assertThat(notFound.status()).isEqualTo(200);
        assertThat(notFound.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");

        node.adminOk("DELETE", "/admin/keys/" + keyId, null);
        assertThat(poll(key, id).errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
        assertThat(node.post("/getBalance", TestNode.obj().put("clientKey", key))
                        .errorCode())
                .isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
    }
}
