package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** getTaskResult and getBalance through real HTTP: who may see what, and every error they can answer. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ResultAndBalanceTest {

    @Parameter
    TestDatabase database;

    static Fixture fx;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        fx = new Fixture(TestNode.start(db, Map.of()));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        fx.node.close();
    }

    private Reply result(String key, Object taskId) {
        var body = TestNode.obj().put("clientKey", key);
        if (taskId instanceof Long l) {
            body.put("taskId", l);
        } else if (taskId != null) {
            body.put("taskId", taskId.toString());
        }
        return fx.node.post("/getTaskResult", body);
    }

    @Test
    void ownTaskIsProcessingByNumberStringAndPath() {
        long account = fx.node.account(10, "0.001");
        fx.node.credit(account, "1");
        String key = fx.node.key(account);
        long id = fx.node
                .post("/createTask", Fixture.body(key))
                .json()
                .get("taskId")
                .asLong();

        for (Reply r : new Reply[] {
            result(key, id),
            result(key, Long.toString(id)),
            fx.node.post("/getTaskResult/", TestNode.obj().put("clientKey", key).put("taskId", id)),
            fx.node.get("/getTaskResult/" + id, Map.of("X-Client-Key", key))
        }) {
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.json().get("errorId").asInt()).isZero();
            assertThat(r.json().get("status").asText()).isEqualTo("processing");
        }
    }

    @Test
    void resultsFollowSuspensionAndRevocationAtOnce() {
        long account = fx.node.account(10, "0.001");
        fx.node.credit(account, "1");
        var created = fx.node.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj());
        String key = created.get("clientKey").asText();
        long id = fx.node
                .post("/createTask", Fixture.body(key))
                .json()
                .get("taskId")
                .asLong();
        assertThat(result(key, id).json().get("status").asText()).isEqualTo("processing");

        fx.node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "suspended"));
        for (Reply r : new Reply[] {
            result(key, id),
            result(key, 999_999_999L),
            result(key, null),
            fx.node.get("/getTaskResult/" + id, Map.of("X-Client-Key", key))
        }) {
            assertThat(r.errorCode()).as(r.raw()).isEqualTo("ERROR_ACCOUNT_SUSPENDED");
        }
        fx.node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "active"));
        assertThat(result(key, id).json().get("status").asText()).isEqualTo("processing");

        fx.node.adminOk("DELETE", "/admin/keys/" + created.get("id").asLong(), null);
        for (Reply r : new Reply[] {
            result(key, id), result(key, null), fx.node.get("/getTaskResult/" + id, Map.of("X-Client-Key", key))
        }) {
            assertThat(r.errorCode()).as(r.raw()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
        }
    }

    @Test
    void otherAccountsAndUnknownIdsAreNotFound() {
        long owner = fx.node.account(10, "0.001");
        fx.node.credit(owner, "1");
        long id = fx.node
                .post("/createTask", Fixture.body(fx.node.key(owner)))
                .json()
                .get("taskId")
                .asLong();
        String stranger = fx.node.key(fx.node.account(10, "0.001"));

        for (Reply r : new Reply[] {
            result(stranger, id),
            result(stranger, 999_999_999L),
            result(stranger, "abc"),
            result(stranger, -5L),
            result(stranger, Long.toString(1L << 60)),
            fx.node.get("/getTaskResult/" + id, Map.of("X-Client-Key", stranger))
        }) {
            assertThat(r.errorCode()).as(r.raw()).isEqualTo("ERROR_TASK_NOT_FOUND");
            assertThat(r.status()).isEqualTo(404);
        }
    }

    @Test
    void resultRequestsCheckBodyKeyAndId() {
        String key = fx.node.key(fx.node.account(10, "0.001"));
        assertThat(fx.node.post("/getTaskResult", "nope").errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        assertThat(result(key, null).errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        assertThat(result("unknown", 1L).errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
        assertThat(fx.node.get("/getTaskResult/1", Map.of()).errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
    }

    @Test
    void balanceShowsAvailableMoneyAndPackageState() {
        long account = fx.node.account(10, "0.25");
        fx.node.credit(account, "12.5");
        String key = fx.node.key(account);
        Reply before = fx.node.post("/getBalance", TestNode.obj().put("clientKey", key));
        assertThat(before.raw()).isEqualTo("{\"errorId\":0,\"balance\":12.5}");
        fx.node.post("/createTask", Fixture.body(key));
        assertThat(fx.node
                        .post("/getBalance", TestNode.obj().put("clientKey", key))
                        .json()
                        .get("balance")
                        .decimalValue())
                .isEqualByComparingTo("12.25");

        long pkg = fx.node.pkg(account, 3, 10, 20, "2099-01-01T00:00:00Z");
        String pkgKey = fx.node.packageKey(account, pkg);
        fx.node.post("/createTask", Fixture.body(pkgKey));
        fx.node.adminOk("PATCH", "/admin/packages/" + pkg, TestNode.obj().put("paused", true));
        Reply withPackage = fx.node.post("/getBalance/", TestNode.obj().put("ClientKey", pkgKey));
        assertThat(withPackage.status()).isEqualTo(200);
        var p = withPackage.json().get("package");
        assertThat(p.get("name").asText()).isEqualTo("pkg");
        assertThat(p.get("threads").asInt()).isEqualTo(3);
        assertThat(p.get("hourlyQuota").asInt()).isEqualTo(10);
        assertThat(p.get("hourlyUsed").asInt()).isEqualTo(1);
        assertThat(p.get("dailyQuota").asInt()).isEqualTo(20);
        assertThat(p.get("dailyUsed").asInt()).isEqualTo(1);
        assertThat(p.get("expiresAt").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(p.get("paused").asBoolean()).isTrue();
    }

    @Test
    void balanceIsRefusedOnlyForUnknownKeysAndSuspendedAccounts() {
        long account = fx.node.account(10, "0.001");
        String key = fx.node.key(account);
        assertThat(fx.node
                        .post("/getBalance", TestNode.obj().put("clientKey", "x"))
                        .errorCode())
                .isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
        assertThat(fx.node.post("/getBalance", "").errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        fx.node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "suspended"));
        Reply r = fx.node.post("/getBalance", TestNode.obj().put("clientKey", key));
        assertThat(r.errorCode()).isEqualTo("ERROR_ACCOUNT_SUSPENDED");
        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void unknownPathsAnswerJson() {
        Reply r = fx.node.post("/nope", "{}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        assertThat(fx.node.get("/healthz", Map.of()).status()).isEqualTo(200);
        assertThat(fx.node.get("/readyz", Map.of()).status()).isEqualTo(200);
    }
}
