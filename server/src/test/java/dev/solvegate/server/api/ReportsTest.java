package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.support.TestClock;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * reportIncorrect / reportCorrect: one verdict per ready task within its retention, counted per solver; an
 * account with {@code refundIncorrect} gets a reported task's charge back once, as a {@code refund} ledger row,
 * when the report comes within {@code SOLVEGATE_REPORT_WINDOW} of the task's end. On PostgreSQL reports go to
 * two nodes at once.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ReportsTest {

    @Parameter
    TestDatabase database;

    static TestClock clock;
    static TestNode first;
    static TestNode second;
    static String tokenKey;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        clock = TestClock.at(Instant.now());
        String url = db.freshUrl();
        first = TestNode.start(url, db.user(), Map.of(), clock);
        new Fixture(first);
        second = db == TestDatabase.POSTGRES ? TestNode.start(url, db.user(), Map.of(), clock) : first;
        tokenKey = UUID.randomUUID().toString();
        first.template(tokenKey, "test", "{\"outcome\":\"token\"}");
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

    private static Account account(boolean refunds) {
        long id = first.account(100, "0.25");
        first.credit(id, "10");
        if (refunds) {
            assertThat(first.adminOk(
                                    "PATCH",
                                    "/admin/accounts/" + id,
                                    TestNode.obj().put("refundIncorrect", true))
                            .get("refundIncorrect")
                            .asBoolean())
                    .isTrue();
        }
        return new Account(id, first.key(id));
    }

    private static long ready(String key) {
        ObjectNode body = Fixture.body(key);
        ((ObjectNode) body.get("task")).put("websitePublicKey", tokenKey);
        long id = first.post("/createTask", body).json().get("taskId").asLong();
        ObjectNode read = TestNode.obj().put("clientKey", key).put("taskId", id);
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> first.post("/getTaskResult", read)
                                .json()
                                .path("status")
                                .asText(),
                        "ready"::equals);
        return id;
    }

    private static Reply report(TestNode node, String method, String key, long id) {
        return node.post("/" + method, TestNode.obj().put("clientKey", key).put("taskId", id));
    }

    private static long balance(Account a) {
        return Money.parse(first.accountView(a.id()).get("balance").asText());
    }

    private static long count(String sql) {
        return first.node().database().jdbi().withHandle(h -> h.createQuery(sql)
                .mapTo(Long.class)
                .one());
    }

    private static void assertSuccess(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.raw()).isEqualTo("{\"errorId\":0,\"status\":\"success\"}");
    }

    @Test
    void anIncorrectReportRefundsTheChargeOnceWithinTheWindow() {
        Account a = account(true);
        long id = ready(a.key());
        assertThat(balance(a)).isEqualTo(9_750_000L);
        assertSuccess(report(second, "reportIncorrect", a.key(), id));
        assertThat(balance(a)).isEqualTo(10_000_000L);
        assertThat(count("SELECT COUNT(*) FROM ledger WHERE kind = 'refund' AND amount = 250000 AND task_id = " + id))
                .isEqualTo(1);
        // one verdict per task: repeats and a contrary verdict answer success and change nothing
        assertSuccess(report(first, "reportIncorrect", a.key(), id));
        assertSuccess(report(first, "reportIncorrectTokenCaptcha", a.key(), id));
        assertSuccess(report(second, "reportCorrect", a.key(), id));
        assertThat(balance(a)).isEqualTo(10_000_000L);
        assertThat(count("SELECT COUNT(*) FROM ledger WHERE task_id = " + id)).isEqualTo(2);
        assertThat(count("SELECT SUM(amount) FROM ledger WHERE account_id = " + a.id()))
                .isEqualTo(balance(a));
        assertThat(count("SELECT COUNT(*) FROM tasks WHERE verdict = 'incorrect' AND id = " + id))
                .isEqualTo(1);
    }

    @Test
    void anAccountThatDoesNotRefundKeepsTheChargeAndTheVerdictIsCounted() {
        Account a = account(false);
        long id = ready(a.key());
        String before = countersOf(first);
        assertSuccess(report(first, "reportIncorrectTokenCaptcha", a.key(), id));
        assertThat(balance(a)).isEqualTo(9_750_000L);
        assertThat(count("SELECT COUNT(*) FROM ledger WHERE kind = 'refund' AND task_id = " + id))
                .isZero();
        assertThat(incorrectCount(first)).isEqualTo(incorrectCount(before) + 1);
        long correct = ready(a.key());
        assertSuccess(report(first, "reportCorrect", a.key(), correct));
        assertThat(first.adminAs(null, "GET", "/metrics", null).raw())
                .contains("solvegate_reports_total{solver=\"test\",verdict=\"correct\"}");
    }

    @Test
    void aReportAfterTheWindowRefundsNothingAndAfterTheRetentionFindsNothing() {
        Account a = account(true);
        long late = ready(a.key());
        long gone = ready(a.key());
        clock.advance(Duration.ofSeconds(61));
        try {
            assertSuccess(report(first, "reportIncorrect", a.key(), late));
            assertThat(balance(a)).isEqualTo(9_500_000L);
            clock.advance(Duration.ofSeconds(240));
            Reply r = report(first, "reportIncorrect", a.key(), gone);
            assertThat(r.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
            assertThat(r.status()).isEqualTo(404);
        } finally {
            clock.advance(Duration.ofSeconds(-301));
        }
        assertThat(count("SELECT COUNT(*) FROM ledger WHERE kind = 'refund' AND account_id = " + a.id()))
                .isZero();
    }

    @Test
    void onlyTheCallersReadyTasksCanBeReported() {
        Account a = account(true);
        Account b = account(true);
        long id = ready(a.key());
        ObjectNode hang = Fixture.body(a.key());
        long processing = first.post("/createTask", hang).json().get("taskId").asLong();
        String pk = UUID.randomUUID().toString();
        first.template(pk, "test", "{\"outcome\":\"unsolvable\"}");
        ObjectNode unsolvable = Fixture.body(a.key());
        ((ObjectNode) unsolvable.get("task")).put("websitePublicKey", pk);
        long failed = first.post("/createTask", unsolvable).json().get("taskId").asLong();
        ObjectNode read = TestNode.obj().put("clientKey", a.key()).put("taskId", failed);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> first.post("/getTaskResult", read).errorCode() != null);
        for (String method : new String[] {"reportIncorrect", "reportCorrect"}) {
            assertThat(report(first, method, b.key(), id).errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
            assertThat(report(first, method, a.key(), processing).errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
            assertThat(report(first, method, a.key(), failed).errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
            assertThat(report(first, method, a.key(), 987654321).errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
            assertThat(report(first, method, "nope", id).errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
            assertThat(first.post("/" + method, TestNode.obj().put("clientKey", a.key()))
                            .errorCode())
                    .isEqualTo("ERROR_MISSING_REQUEST_DATA");
        }
        assertThat(count("SELECT COUNT(*) FROM tasks WHERE verdict IS NOT NULL AND account_id IN (" + a.id() + ","
                        + b.id() + ")"))
                .isZero();
        first.post("/cancelTask", TestNode.obj().put("clientKey", a.key()).put("taskId", processing));
    }

    @Test
    void concurrentReportsOfOneTaskRefundOnce() throws Exception {
        Account a = account(true);
        long id = ready(a.key());
        List<Future<Reply>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 30; i++) {
                TestNode node = i % 2 == 0 ? first : second;
                String method = i % 3 == 0 ? "reportCorrect" : "reportIncorrect";
                calls.add(pool.submit(() -> report(node, method, a.key(), id)));
            }
            for (Future<Reply> f : calls) {
                assertSuccess(f.get());
            }
        }
        long refunds = count("SELECT COUNT(*) FROM ledger WHERE kind = 'refund' AND task_id = " + id);
        String verdict = first.node().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT verdict FROM tasks WHERE id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .one());
        // whichever verdict came first holds; a refund exactly when it was "incorrect"
        assertThat(refunds).isEqualTo(verdict.equals("incorrect") ? 1 : 0);
        assertThat(count("SELECT SUM(amount) FROM ledger WHERE account_id = " + a.id()))
                .isEqualTo(balance(a));
    }

    @Test
    void aPackageKeysTaskCostsNothingAndRefundsNothing() {
        long acct = first.account(100, "0.25");
        first.adminOk("PATCH", "/admin/accounts/" + acct, TestNode.obj().put("refundIncorrect", true));
        long pkg = first.pkg(acct, 5, 100, 100, "2099-01-01T00:00:00Z");
        String key = first.packageKey(acct, pkg);
        long id = ready(key);
        assertSuccess(report(first, "reportIncorrect", key, id));
        assertThat(count("SELECT COUNT(*) FROM ledger WHERE account_id = " + acct))
                .isZero();
    }

    @Test
    void refundIncorrectMustBeABoolean() {
        Account a = account(false);
        Reply r =
                first.admin("PATCH", "/admin/accounts/" + a.id(), TestNode.obj().put("refundIncorrect", "yes"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("refundIncorrect");
        assertThat(first.accountView(a.id()).get("refundIncorrect").asBoolean()).isFalse();
    }

    private static String countersOf(TestNode node) {
        return node.adminAs(null, "GET", "/metrics", null).raw();
    }

    private static double incorrectCount(TestNode node) {
        return incorrectCount(countersOf(node));
    }

    private static double incorrectCount(String metrics) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("solvegate_reports_total{solver=\"test\",verdict=\"incorrect\"}")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
