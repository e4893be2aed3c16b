package dev.solvegate.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read path's views stay coherent across nodes on one PostgreSQL (docs/ARCHITECTURE.md, "The read path"):
 * node A in this JVM, node B in a child JVM. Both views are warmed first (B has answered from memory), then
 * the change is made on A, and B must show it: a task ended on A is seen ended on B, and an account suspended or
 * a key revoked through A's admin API is refused by B within a second.
 */
class ReadViewAcrossNodesTest {

    static TestNode a;
    static ChildNode b;
    static String hang;

    @BeforeAll
    static void start() throws Exception {
        TestDatabase.requirePostgres();
        String url = TestDatabase.POSTGRES.freshUrl();
        a = TestNode.start(url, TestDatabase.POSTGRES.user(), Map.of("SOLVEGATE_DB_POOL", "8"));
        b = ChildNode.start("read-view-b", url, TestDatabase.POSTGRES.user(), Map.of("SOLVEGATE_DB_POOL", "8"));
        hang = UUID.randomUUID().toString();
        a.template(hang, "test", "{\"outcome\":\"hang\"}");
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static JsonNode newKey() {
        long account = a.account(50, "0.00075");
        a.credit(account, "1");
        return a.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj());
    }

    private static long create(String key) {
        ObjectNode body = TestNode.obj().put("clientKey", key);
        body.putObject("task")
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/login")
                .put("websitePublicKey", hang)
                .put("websiteSubdomain", "challenge.example.org")
                .put("proxy", "http://user:pass@203.0.113.7:8080");
        Reply r = a.post("/createTask", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("taskId").asLong();
    }

    private static Reply pollB(String key, long id) {
        return b.post("/getTaskResult", TestNode.obj().put("clientKey", key).put("taskId", id));
    }

    private static Reply balanceB(String key) {
        return b.post("/getBalance", TestNode.obj().put("clientKey", key));
    }

    /** The bound docs/API.md promises for a change on one node to be seen on another. */
    static final Duration WITHIN = Duration.ofSeconds(1);

    /**
     * How long after now the first request that saw {@code seen} hold was sent, polling every 10 ms (at most 20
     * s). The send time, not the reply's, is what counts: it bounds how stale node B's answer was, whereas how
     * long a reply takes on a loaded machine is not the views' doing.
     */
    private static Duration firstSeen(java.util.function.BooleanSupplier seen) {
        long since = System.nanoTime();
        while (true) {
            long sent = System.nanoTime();
            if (seen.getAsBoolean()) {
                return Duration.ofNanos(sent - since);
            }
            if (sent - since > 20_000_000_000L) {
                throw new AssertionError("not seen in 20 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Polls node B several times, so that its views hold the key and the task. */
    private static void warm(String key, long id) {
        for (int i = 0; i < 5; i++) {
            assertThat(pollB(key, id).json().path("status").asText()).isEqualTo("processing");
            assertThat(balanceB(key).status()).isEqualTo(200);
        }
    }

    @Test
    void aTaskEndedOnOneNodeIsSeenEndedOnTheOther() {
        String key = newKey().get("clientKey").asText();
        long id = create(key);
        warm(key, id);
        Reply cancel =
                a.post("/cancelTask", TestNode.obj().put("clientKey", key).put("taskId", id));
        assertThat(cancel.json().path("errorId").asInt()).as(cancel.raw()).isZero();
        assertThat(firstSeen(() -> "ERROR_TASK_CANCELLED".equals(pollB(key, id).errorCode())))
                .isLessThanOrEqualTo(WITHIN);
        Reply other = pollB(newKey().get("clientKey").asText(), id);
        assertThat(other.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
    }

    @Test
    void aLongPollOnOneNodeIsWokenByAnEndOnTheOther() throws Exception {
        String key = newKey().get("clientKey").asText();
        long id = create(key);
        warm(key, id);
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> b.post(
                "/getTaskResult",
                TestNode.obj().put("clientKey", key).put("taskId", id).put("waitSeconds", 20)));
        Thread.sleep(300); // let the long-poll park on B (if it has not yet, it reads the end at once)
        long sent = System.nanoTime();
        a.post("/cancelTask", TestNode.obj().put("clientKey", key).put("taskId", id));
        Reply woken = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(woken.errorCode()).as(woken.raw()).isEqualTo("ERROR_TASK_CANCELLED");
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anAccountSuspendedOnOneNodeIsRefusedOnTheOtherWithinASecond() {
        JsonNode made = newKey();
        String key = made.get("clientKey").asText();
        long account = made.get("accountId").asLong();
        long id = create(key);
        warm(key, id);
        a.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "suspended"));
        assertThat(firstSeen(() -> "ERROR_ACCOUNT_SUSPENDED"
                                .equals(pollB(key, id).errorCode())
                        && "ERROR_ACCOUNT_SUSPENDED".equals(balanceB(key).errorCode())))
                .isLessThanOrEqualTo(WITHIN);
        a.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "active"));
        assertThat(firstSeen(() -> pollB(key, id).status() == 200)).isLessThanOrEqualTo(WITHIN);
    }

    @Test
    void aKeyRevokedOnOneNodeIsRefusedOnTheOtherWithinASecond() {
        JsonNode made = newKey();
        String key = made.get("clientKey").asText();
        long id = create(key);
        warm(key, id);
        a.adminOk("DELETE", "/admin/keys/" + made.get("id").asLong(), null);
        assertThat(firstSeen(() -> "ERROR_KEY_DOES_NOT_EXIST"
                                .equals(pollB(key, id).errorCode())
                        && "ERROR_KEY_DOES_NOT_EXIST".equals(balanceB(key).errorCode())))
                .isLessThanOrEqualTo(WITHIN);
    }

    @Test
    void anErrorStatusChangedOnOneNodeIsFollowedOnTheOther() {
        JsonNode made = newKey();
        String key = made.get("clientKey").asText();
        long id = create(key);
        warm(key, id);
        assertThat(pollB(key, id + 1_000_000).status()).isEqualTo(404);
        a.adminOk(
                "PATCH",
                "/admin/accounts/" + made.get("accountId").asLong(),
                TestNode.obj().put("errorStatus", "200"));
        assertThat(firstSeen(() -> pollB(key, id + 1_000_000).status() == 200)).isLessThanOrEqualTo(WITHIN);
    }
}
