package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestClock;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Idempotent createTask ({@code Idempotency-Key} or {@code idempotencyKey}): a replay answers the first task and
 * changes nothing; a reused key with another task, a malformed key and a refused createTask change nothing
 * either; keys belong to an account and are forgotten after {@code SOLVEGATE_IDEMPOTENCY_TTL}. On PostgreSQL two
 * nodes share the database and concurrent requests with one key are spread over both.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class IdempotencyTest {

    @Parameter
    TestDatabase database;

    static TestClock clock;
    static TestNode first;
    static TestNode second;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        clock = TestClock.at(Instant.now());
        String url = db.freshUrl();
        first = TestNode.start(url, db.user(), Map.of(), clock);
        new Fixture(first);
        // H2 is one node; on PostgreSQL a second node shares the database
        second = db == TestDatabase.POSTGRES ? TestNode.start(url, db.user(), Map.of(), clock) : first;
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

    private static Account account(String credit) {
        long id = first.account(100, "0.00075");
        if (credit != null) {
            first.credit(id, credit);
        }
        return new Account(id, first.key(id));
    }

    private static Reply create(TestNode node, ObjectNode body, String idempotencyKey) {
        return node.post("/createTask", body, Map.of("Idempotency-Key", idempotencyKey));
    }

    private static String state(Account a) {
        var v = first.accountView(a.id());
        return v.get("balance").asText() + "/" + v.get("held").asText() + "/"
                + v.get("inFlight").asInt() + "/" + tasksOf(a);
    }

    private static long tasksOf(Account a) {
        return first.node().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM tasks WHERE account_id = :a")
                .bind("a", a.id())
                .mapTo(Long.class)
                .one());
    }

    private static String newKey() {
        return "key-" + UUID.randomUUID();
    }

    @Test
    void aReplayAnswersTheFirstTaskAndChangesNothing() {
        Account a = account("1");
        String k = newKey();
        Reply created = create(first, Fixture.body(a.key()), k);
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        assertThat(created.headers().firstValue("Idempotent-Replayed")).isEmpty();
        long id = created.json().get("taskId").asLong();
        String after = state(a);
        assertThat(after).isEqualTo("1.000000/0.000750/1/1");

        Reply replay = create(second, Fixture.body(a.key()), k);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().get("errorId").asInt()).isZero();
        assertThat(replay.json().get("taskId").asLong()).isEqualTo(id);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        // the body field names the same key
        Reply byBody = second.post("/createTask", Fixture.body(a.key()).put("idempotencyKey", k));
        assertThat(byBody.json().get("taskId").asLong()).isEqualTo(id);
        assertThat(byBody.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(state(a)).isEqualTo(after);
    }

    @Test
    void aReplayAfterTheTaskEndedStillAnswersIt() {
        Account a = account("1");
        String pk = UUID.randomUUID().toString();
        first.template(pk, "test", "{\"outcome\":\"token\"}");
        ObjectNode body = Fixture.body(a.key());
        ((ObjectNode) body.get("task")).put("websitePublicKey", pk);
        String k = newKey();
        long id = create(first, body, k).json().get("taskId").asLong();
        ObjectNode read = TestNode.obj().put("clientKey", a.key()).put("taskId", id);
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> first.post("/getTaskResult", read)
                                .json()
                                .path("status")
                                .asText(),
                        "ready"::equals);
        String after = state(a);
        Reply replay = create(second, body, k);
        assertThat(replay.json().get("taskId").asLong()).isEqualTo(id);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(state(a)).isEqualTo(after);
    }

    @Test
    void aReplaySkipsTheLimitsItsFirstRequestPassed() {
        long acct = first.account(100, "0.00075");
        long pkg = first.pkg(acct, 1, 1, 1, "2099-01-01T00:00:00Z");
        String key = first.packageKey(acct, pkg);
        String k = newKey();
        long id = create(first, Fixture.body(key), k).json().get("taskId").asLong();
        // the package's one thread and its hourly quota of 1 are used by that very task
        assertThat(first.post("/createTask", Fixture.body(key)).errorCode()).isEqualTo("ERROR_RATE_LIMIT_EXCEEDED");
        Reply replay = create(second, Fixture.body(key), k);
        assertThat(replay.json().get("taskId").asLong()).isEqualTo(id);
        assertThat(first.adminOk("GET", "/admin/packages/" + pkg, null)
                        .get("hourlyUsed")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherTaskIsRefusedAndChangesNothing() {
        Account a = account("1");
        String k = newKey();
        create(first, Fixture.body(a.key()), k);
        String after = state(a);
        ObjectNode otherUrl = Fixture.body(a.key());
        ((ObjectNode) otherUrl.get("task")).put("websiteURL", "https://example.org/other");
        ObjectNode otherCallback = Fixture.body(a.key()).put("callbackUrl", "https://203.0.113.9/hook");
        for (ObjectNode other : List.of(otherUrl, otherCallback)) {
            Reply r = create(second, other, k);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(r.json().get("errorDescription").asText())
                    .isEqualTo("Idempotency-Key was used with a different task");
            assertThat(r.headers().firstValue("Idempotent-Replayed")).isEmpty();
        }
        // a spelling of the same task that validates to the same task is the same task
        ObjectNode sameTask = Fixture.body(a.key());
        ((ObjectNode) sameTask.get("task"))
                .put("type", "funcaptchatask")
                .put("websitePublicKey", Fixture.HANG_KEY.toUpperCase());
        assertThat(create(second, sameTask, k).headers().firstValue("Idempotent-Replayed"))
                .hasValue("true");
        assertThat(state(a)).isEqualTo(after);
    }

    @Test
    void aMalformedKeyIsRefusedAfterTheFieldRulesAndChangesNothing() {
        Account a = account("1");
        String before = state(a);
        for (String bad : new String[] {"", "x".repeat(256), "a b", "tab\there"}) {
            Reply r = create(first, Fixture.body(a.key()), bad);
            assertThat(r.errorCode()).as("[%s]", bad).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(r.json().get("errorDescription").asText()).startsWith("Idempotency-Key must be");
        }
        assertThat(first.post("/createTask", Fixture.body(a.key()).put("idempotencyKey", 5))
                        .errorCode())
                .isEqualTo("ERROR_MISSING_REQUEST_DATA");
        Reply nonAscii = first.post("/createTask", Fixture.body(a.key()).put("idempotencyKey", "schl\u00fcssel"));
        assertThat(nonAscii.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        assertThat(nonAscii.json().get("errorDescription").asText()).endsWith("(character 5 is U+00FC)");
        ObjectNode badPort = Fixture.body(a.key());
        ((ObjectNode) badPort.get("task")).put("proxy", "http://u:p@203.0.113.7:70000");
        assertThat(create(first, badPort, "").errorCode()).isEqualTo("ERROR_INVALID_PROXY_PORT");
        assertThat(state(a)).isEqualTo(before);
        // 255 visible characters are a key
        assertThat(create(first, Fixture.body(a.key()), "~".repeat(255)).status())
                .isEqualTo(200);
    }

    @Test
    void aRefusedCreateTaskRecordsNothing() {
        Account a = account(null);
        String k = newKey();
        assertThat(create(first, Fixture.body(a.key()), k).errorCode()).isEqualTo("ERROR_ZERO_BALANCE");
        first.credit(a.id(), "1");
        Reply accepted = create(second, Fixture.body(a.key()), k);
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(tasksOf(a)).isEqualTo(1);
    }

    @Test
    void keysBelongToTheirAccount() {
        Account a = account("1");
        Account b = account("1");
        String k = newKey();
        long ida = create(first, Fixture.body(a.key()), k).json().get("taskId").asLong();
        Reply rb = create(second, Fixture.body(b.key()), k);
        assertThat(rb.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(rb.json().get("taskId").asLong()).isNotEqualTo(ida);
    }

    @Test
    void aKeyIsForgottenAfterTheIdempotencyTtl() {
        Account a = account("1");
        String k = newKey();
        long old = create(first, Fixture.body(a.key()), k).json().get("taskId").asLong();
        String unused = newKey();
        create(first, Fixture.body(a.key()), unused);
        clock.advance(Duration.ofHours(24).plusMinutes(1));
        try {
            // the sweep forgets records past the TTL
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> first.node().database().jdbi().withHandle(h -> h.createQuery(
                                            "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = :k")
                                    .bind("k", unused)
                                    .mapTo(Long.class)
                                    .one())
                            == 0);
            ObjectNode otherTask = Fixture.body(a.key());
            ((ObjectNode) otherTask.get("task")).put("websiteURL", "https://example.org/later");
            Reply fresh = create(second, otherTask, k);
            assertThat(fresh.status()).as(fresh.raw()).isEqualTo(200);
            assertThat(fresh.headers().firstValue("Idempotent-Replayed")).isEmpty();
            long id = fresh.json().get("taskId").asLong();
            assertThat(id).isNotEqualTo(old);
            // and the key now stands for the new task
            assertThat(create(first, otherTask, k).json().get("taskId").asLong())
                    .isEqualTo(id);
        } finally {
            clock.advance(Duration.ofHours(-24).minusMinutes(1));
        }
    }

    @Test
    void concurrentRequestsWithOneKeyCreateExactlyOneTask() throws Exception {
        Account a = account("1");
        String k = newKey();
        int n = 40;
        List<Callable<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestNode node = i % 2 == 0 ? first : second;
            calls.add(() -> create(node, Fixture.body(a.key()), k));
        }
        List<Reply> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Reply> f : pool.invokeAll(calls)) {
                replies.add(f.get());
            }
        }
        Set<Long> ids = new HashSet<>();
        int fresh = 0;
        for (Reply r : replies) {
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            ids.add(r.json().get("taskId").asLong());
            if (r.headers().firstValue("Idempotent-Replayed").isEmpty()) {
                fresh++;
            }
        }
        assertThat(ids).hasSize(1);
        assertThat(fresh).isEqualTo(1);
        assertThat(state(a)).isEqualTo("1.000000/0.000750/1/1");
    }
}
