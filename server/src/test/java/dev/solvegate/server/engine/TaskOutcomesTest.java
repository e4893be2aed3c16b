package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.awaitEnded;
import static dev.solvegate.server.engine.Tasks.books;
import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.proxy;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each outcome of the {@code test} solver, end to end over HTTP on a real node: its code, its solveCount, and
 * the books (nobody pays for a failure; a ready task costs exactly the price).
 *
 * <p>Timing: solve timeout 300 ms, task deadline 1000 ms, retry pauses 75 ms then 150 ms.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class TaskOutcomesTest {

    static final Duration MAX = Duration.ofSeconds(10);

    @Parameter
    TestDatabase database;

    static TestNode node;
    static long account;
    static String key;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        node = TestNode.start(
                db,
                Map.of(
                        "SOLVEGATE_SOLVE_TIMEOUT", "300ms",
                        "SOLVEGATE_TASK_TIMEOUT", "1000ms",
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true",
                        "SOLVEGATE_WORKERS", "16"));
        account = node.account(100, "0.25");
        node.credit(account, "10");
        key = node.key(account);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void readyChargesExactlyThePriceOnce() {
        Tasks.Books before = books(node, account);
        long id = create(node, key, template(node, "{\"outcome\":\"token\",\"delayMs\":20}"), proxy(9));
        JsonNode r = awaitEnded(node, key, id, MAX);
        assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ready");
        assertThat(r.path("solution").path("token").asText()).startsWith("test-" + id + "-");
        assertThat(r.path("cost").asText()).isEqualTo("0.250000");
        assertThat(r.path("solveCount").asInt()).isEqualTo(1);
        Tasks.Books after = books(node, account);
        assertThat(after.balance()).isEqualTo(before.balance() - 250_000);
        assertThat(after.held()).isZero();
        assertThat(after.inFlight()).isZero();
        assertThat(after.ledger()).isEqualTo(after.balance());
        assertThat(Tasks.count(
                        node.node().database().jdbi(),
                        "SELECT COUNT(*) FROM ledger WHERE kind = 'charge' AND task_id = " + id))
                .isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"unsolvable, ERROR_CAPTCHA_UNSOLVABLE", "exception, ERROR_TASK_EXCEPTION"})
    void finalFailureEndsAfterOneAttemptWithoutCharge(String outcome, String code) {
        assertFailsWithoutCharge("{\"outcome\":\"" + outcome + "\"}", code, 1, 1);
    }

    @ParameterizedTest
    @CsvSource({"processing-image, ERROR_PROCESSING_IMAGE", "fingerprint-unavailable, ERROR_FINGERPRINT_UNAVAILABLE"})
    void retryableFailureIsRetriedUpToMaxAttempts(String outcome, String code) {
        // attempts of 200 ms after pauses of 75 and 150 ms: the third ends at about 825 ms, before the deadline;
        // SOLVEGATE_MAX_ATTEMPTS (3) stops there, however much time is left
        assertFailsWithoutCharge("{\"outcome\":\"" + outcome + "\",\"delayMs\":200}", code, 2, 3);
    }

    @Test
    void hangTimesOutEachAttemptAndStopsWhenNoWholeAttemptFits() {
        // attempt 1 is cut at 300 ms (solve timeout), attempt 2 at ~675 ms; a third would need to start by 625 ms
        long id = assertFailsWithoutCharge("{\"outcome\":\"hang\"}", "ERROR_SOLVE_TIMEOUT", 2, 2);
        assertStoppedOnlyWhenNoWholeAttemptFit(id);
        // the description names the configured limit, not the catalogue's default 120 s
        assertThat(Tasks.result(node, key, id).json().path("errorDescription").asText())
                .isEqualTo("Solve phase exceeded the 300-millisecond timeout");
    }

    /** The task ended before its deadline, and later than the last moment another pause + attempt would fit. */
    private static void assertStoppedOnlyWhenNoWholeAttemptFit(long id) {
        long lived =
                Tasks.count(node.node().database().jdbi(), "SELECT ended_at - created_at FROM tasks WHERE id = " + id);
        assertThat(lived).isGreaterThan(1000 - 75 - 300).isLessThanOrEqualTo(1000 + 100);
    }

    @Test
    void refusedProxyIsProxyConnectionWithoutCharge() {
        String pk = template(node, "{\"outcome\":\"token\",\"target\":\"example.org:443\"}");
        Tasks.Books before = books(node, account);
        long id = create(node, key, pk, proxy(Tasks.closedPort()));
        JsonNode r = awaitEnded(node, key, id, MAX);
        assertThat(r.path("errorCode").asText()).as(r.toString()).isEqualTo("ERROR_PROXY_CONNECTION");
        assertThat(r.path("status").asText()).isEqualTo("failed");
        assertThat(r.path("solveCount").isMissingNode()).isTrue();
        assertUnchanged(before);
    }

    /** Runs a task to its failure and checks code, attempts and books; returns its id. */
    private long assertFailsWithoutCharge(String settings, String code, int minAttempts, int maxAttempts) {
        String pk = template(node, settings);
        Tasks.Books before = books(node, account);
        long id = create(node, key, pk, proxy(9));
        JsonNode r = awaitEnded(node, key, id, MAX);
        assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("failed");
        assertThat(r.path("errorCode").asText()).isEqualTo(code);
        assertThat(r.path("taskId").asLong()).isEqualTo(id);
        assertThat(r.toString()).doesNotContain("test solver");
        long attempts = Tasks.count(node.node().database().jdbi(), "SELECT solve_count FROM tasks WHERE id = " + id);
        assertThat(attempts).isBetween((long) minAttempts, (long) maxAttempts);
        assertUnchanged(before);
        return id;
    }

    private void assertUnchanged(Tasks.Books before) {
        Tasks.Books after = books(node, account);
        assertThat(after.balance()).isEqualTo(before.balance());
        assertThat(after.held()).isZero();
        assertThat(after.inFlight()).isZero();
        assertThat(after.ledger()).isEqualTo(after.balance());
    }
}
