package dev.solvegate.server.api;

import static dev.solvegate.server.api.Fixture.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * createTask's one-round-trip admission on PostgreSQL with two nodes on one database: what one node's operator
 * changes, the other node's createTask follows. A revoked key and a suspended account are refused on the very
 * next request (the admission authenticates the key in its own statement); the intake switch and templates,
 * which nodes keep copies of, follow by a notice, and by the copies' one-second age limit when a notice is lost;
 * limits and money stay exact with the requests spread over both nodes; a held account lock ends in {@code
 * ERROR_DATABASE_BALANCE} with nothing changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreateTaskAcrossNodesTest {

    private String url;
    private TestNode a;
    private TestNode b;

    @BeforeAll
    void start() {
        url = TestDatabase.POSTGRES.freshUrl();
        // small pools: the PostgreSQL of the tests is shared with other runs (max_connections)
        Map<String, String> env = Map.of("SOLVEGATE_DB_POOL", "12");
        a = TestNode.start(url, TestDatabase.POSTGRES.user(), env, null);
        new Fixture(a);
        b = TestNode.start(url, TestDatabase.POSTGRES.user(), env, null);
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private record Account(long id, String key) {}

    private Account account(int maxThreads, String credit) {
        long id = a.account(maxThreads, "0.00075");
        a.credit(id, credit);
        return new Account(id, a.key(id));
    }

    private static ErrorCode code(Reply r) {
        return r.errorCode() == null ? null : ErrorCode.valueOf(r.errorCode());
    }

    private long tasks() {
        return a.node().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tasks")
                .mapTo(Long.class)
                .one());
    }

    private String state(long account) {
        var v = a.accountView(account);
        return "balance=" + v.get("balance").asText() + " held=" + v.get("held").asText() + " inFlight="
                + v.get("inFlight").asInt();
    }

    @Test
    void aKeyRevokedOnOneNodeIsRefusedByTheOtherAtTheNextRequest() {
        Account acct = account(100, "1");
        var created = a.adminOk("POST", "/admin/accounts/" + acct.id() + "/keys", TestNode.obj());
        String secret = created.get("clientKey").asText();
        assertThat(b.post("/createTask", body(secret)).status()).isEqualTo(200);
        a.adminOk("DELETE", "/admin/keys/" + created.get("id").asLong(), null);
        String before = state(acct.id());
        long count = tasks();

        assertThat(code(b.post("/createTask", body(secret)))).isEqualTo(ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
        assertThat(code(a.post("/createTask", body(secret)))).isEqualTo(ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
        assertThat(state(acct.id())).isEqualTo(before);
        assertThat(tasks()).isEqualTo(count);
    }

    @Test
    void anAccountSuspendedOnOneNodeIsRefusedByTheOtherAtTheNextRequest() {
        Account acct = account(100, "1");
        assertThat(b.post("/createTask", body(acct.key())).status()).isEqualTo(200);
        a.adminOk("PATCH", "/admin/accounts/" + acct.id(), TestNode.obj().put("status", "suspended"));
        String before = state(acct.id());

        assertThat(code(b.post("/createTask", body(acct.key())))).isEqualTo(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        assertThat(state(acct.id())).isEqualTo(before);

        a.adminOk("PATCH", "/admin/accounts/" + acct.id(), TestNode.obj().put("status", "active"));
        assertThat(b.post("/createTask", body(acct.key())).status()).isEqualTo(200);
    }

    @Test
    void aPackagePausedOnOneNodeIsRefusedByTheOtherAtTheNextRequest() {
        Account acct = account(100, "1");
        long pkg = a.pkg(acct.id(), 10, 100, 100, "2099-01-01T00:00:00Z");
        String key = a.packageKey(acct.id(), pkg);
        assertThat(b.post("/createTask", body(key)).status()).isEqualTo(200);
        a.adminOk("PATCH", "/admin/packages/" + pkg, TestNode.obj().put("paused", true));

        assertThat(code(b.post("/createTask", body(key)))).isEqualTo(ErrorCode.ERROR_PACKAGE_PAUSED);
        a.adminOk("PATCH", "/admin/packages/" + pkg, TestNode.obj().put("paused", false));
        assertThat(b.post("/createTask", body(key)).status()).isEqualTo(200);
    }

    @Test
    void theIntakeSwitchReachesTheOtherNodeWithinASecond() {
        Account acct = account(100, "1");
        assertThat(b.post("/createTask", body(acct.key())).status()).isEqualTo(200); // b's copy: on
        try {
            a.adminOk("PUT", "/admin/service", TestNode.obj().put("acceptingTasks", false));
            await().atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> code(b.post("/createTask", body(acct.key()))) == ErrorCode.ERROR_SERVICE_UNAVALIABLE);
            String before = state(acct.id());
            assertThat(code(b.post("/createTask", body(acct.key())))).isEqualTo(ErrorCode.ERROR_SERVICE_UNAVALIABLE);
            assertThat(state(acct.id())).isEqualTo(before);
        } finally {
            a.adminOk("PUT", "/admin/service", TestNode.obj().put("acceptingTasks", true));
        }
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> b.post("/createTask", body(acct.key())).status() == 200);
    }

    @Test
    void aSwitchChangedWithoutANoticeIsSeenOnceTheCopiesAreASecondOld() throws Exception {
        Account acct = account(100, "1");
        assertThat(a.post("/createTask", body(acct.key())).status()).isEqualTo(200);
        assertThat(b.post("/createTask", body(acct.key())).status()).isEqualTo(200);
        try {
            sql("UPDATE service_state SET accepting_tasks = FALSE WHERE id = 1"); // no NOTIFY: a lost notice
            for (TestNode n : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(3))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() ->
                                code(n.post("/createTask", body(acct.key()))) == ErrorCode.ERROR_SERVICE_UNAVALIABLE);
            }
        } finally {
            a.adminOk("PUT", "/admin/service", TestNode.obj().put("acceptingTasks", true));
        }
    }

    @Test
    void aTemplateChangedOnOneNodeIsUsedByTheOtherWithinASecond() {
        Account acct = account(100, "1");
        String publicKey = "5e0c1d2a-0000-4000-8000-00000000a11d";
        a.template(publicKey, "test", "{\"outcome\":\"hang\"}");
        ObjectNode req = body(acct.key());
        ((ObjectNode) req.get("task")).put("websitePublicKey", publicKey);
        assertThat(b.post("/createTask", req).status()).isEqualTo(200); // b's copy: the hanging template

        a.template(publicKey, "test", "{\"capacity\":false}");
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> code(b.post("/createTask", req)) == ErrorCode.ERROR_FINGERPRINT_UNAVAILABLE);

        a.admin("DELETE", "/admin/templates/" + publicKey, null);
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> code(b.post("/createTask", req)) == ErrorCode.ERROR_TEMPLATE_NOT_FOUND);
        String before = state(acct.id());
        assertThat(code(b.post("/createTask", req))).isEqualTo(ErrorCode.ERROR_TEMPLATE_NOT_FOUND);
        assertThat(state(acct.id())).isEqualTo(before);
    }

    @Test
    void threadLimitAdmitsExactlyKWithRequestsOnBothNodes() throws Exception {
        Account acct = account(7, "1");
        List<Reply> replies = parallel(40, i -> (i % 2 == 0 ? a : b).post("/createTask", body(acct.key())));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(7);
        assertThat(replies.stream()
                        .filter(r -> r.status() != 200)
                        .map(CreateTaskAcrossNodesTest::code)
                        .distinct()
                        .toList())
                .containsExactly(ErrorCode.ERROR_THREAD_THRESHOLD_EXCEEDED);
        assertThat(state(acct.id())).isEqualTo("balance=1.000000 held=0.005250 inFlight=7");
    }

    @Test
    void balanceAdmitsExactlyWhatItCoversWithRequestsOnBothNodes() throws Exception {
        Account acct = account(1000, "0.00750"); // ten tasks at 0.00075
        List<Reply> replies = parallel(40, i -> (i % 2 == 0 ? a : b).post("/createTask", body(acct.key())));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(10);
        assertThat(replies.stream()
                        .filter(r -> r.status() != 200)
                        .map(CreateTaskAcrossNodesTest::code)
                        .distinct()
                        .toList())
                .containsExactly(ErrorCode.ERROR_ZERO_BALANCE);
        assertThat(state(acct.id())).isEqualTo("balance=0.007500 held=0.007500 inFlight=10");
    }

    @Test
    void anAccountLockHeldPastTheRetriesAnswersDatabaseBalanceInTheAccountsModeAndChangesNothing() throws Exception {
        Account acct = account(100, "1");
        a.adminOk("PATCH", "/admin/accounts/" + acct.id(), TestNode.obj().put("errorStatus", "200"));
        assertThat(b.post("/createTask", body(acct.key())).status()).isEqualTo(200);
        String before = state(acct.id());
        long count = tasks();
        try (Connection c = DriverManager.getConnection(url, TestDatabase.POSTGRES.user(), null)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT id FROM accounts WHERE id = " + acct.id() + " FOR UPDATE");
            }
            Reply r = b.post("/createTask", body(acct.key()));
            assertThat(code(r)).isEqualTo(ErrorCode.ERROR_DATABASE_BALANCE);
            assertThat(r.status()).isEqualTo(200); // the account's mode, read on the error path
            c.rollback();
        }
        assertThat(state(acct.id())).isEqualTo(before);
        assertThat(tasks()).isEqualTo(count);
        assertThat(b.post("/createTask", body(acct.key())).status()).isEqualTo(200);
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url, TestDatabase.POSTGRES.user(), null);
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private interface Request {
        Reply send(int i);
    }

    private static List<Reply> parallel(int n, Request request) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Reply>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<Reply> call = () -> request.send(index);
                futures.add(pool.submit(call));
            }
            List<Reply> out = new ArrayList<>();
            for (Future<Reply> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }
}
