package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** getTasks and getSpending through real HTTP: an account's own tasks and money per day, and nobody else's. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class CustomerReadsTest {

    static final String TOKEN_KEY = "6a1d3c00-0000-4000-8000-000000000001";
    static final String UNSOLVABLE_KEY = "6a1d3c00-0000-4000-8000-000000000002";

    @Parameter
    TestDatabase database;

    static Fixture fx;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        fx = new Fixture(TestNode.start(db, Map.of()));
        fx.node.template(TOKEN_KEY, "test", "{\"outcome\":\"token\"}");
        fx.node.template(UNSOLVABLE_KEY, "test", "{\"outcome\":\"unsolvable\"}");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        fx.node.close();
    }

    /** Creates a task on {@code template} and waits until it ended (unless it hangs); returns its id. */
    private static long task(String key, String template, boolean waitForEnd) {
        ObjectNode body = Fixture.body(key);
        ((ObjectNode) body.get("task")).put("websitePublicKey", template);
        long id = fx.node.post("/createTask", body).json().get("taskId").asLong();
        if (waitForEnd) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Reply r = fx.node.post(
                        "/getTaskResult", TestNode.obj().put("clientKey", key).put("taskId", id));
                return !"processing".equals(r.json().path("status").asText());
            });
        }
        return id;
    }

    private static List<Long> ids(JsonNode tasks) {
        List<Long> out = new ArrayList<>();
        tasks.forEach(t -> out.add(t.get("taskId").asLong()));
        return out;
    }

    @Test
    void getTasksListsTheKeysAccountsTasksNewestFirstAndNoOtherAccounts() {
        long mine = fx.node.account(10, "0.00075");
        fx.node.credit(mine, "1");
        String key = fx.node.key(mine);
        String secondKey = fx.node.key(mine);
        long other = fx.node.account(10, "0.00075");
        fx.node.credit(other, "1");
        String otherKey = fx.node.key(other);

        long ready = task(key, TOKEN_KEY, true);
        long failed = task(secondKey, UNSOLVABLE_KEY, true);
        long running = task(key, Fixture.HANG_KEY, false);
        long theirs = task(otherKey, TOKEN_KEY, true);

        Reply r = fx.node.post("/getTasks", TestNode.obj().put("clientKey", key));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("errorId").asInt()).isZero();
        JsonNode tasks = r.json().get("tasks");
        assertThat(ids(tasks))
                .as("the account's tasks, from both its keys, newest first")
                .containsExactly(running, failed, ready);
        assertThat(r.raw()).doesNotContain("secretpass").doesNotContain("\"token\"");

        JsonNode byId = tasks.get(2);
        assertThat(byId.get("status").asText()).isEqualTo("ready");
        assertThat(byId.get("cost").asText()).isEqualTo("0.000750");
        assertThat(byId.get("endTime").asLong())
                .isGreaterThanOrEqualTo(byId.get("createTime").asLong());
        assertThat(byId.get("solveCount").asInt()).isEqualTo(1);
        JsonNode fail = tasks.get(1);
        assertThat(fail.get("status").asText()).isEqualTo("failed");
        assertThat(fail.get("errorCode").asText()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
        assertThat(fail.has("cost")).isFalse();
        assertThat(tasks.get(0).get("status").asText()).isIn("queued", "solving");
        assertThat(tasks.get(0).has("endTime")).isFalse();

        assertThat(ids(fx.node
                        .post("/getTasks", TestNode.obj().put("clientKey", key).put("limit", 2))
                        .json()
                        .get("tasks")))
                .containsExactly(running, failed);
        assertThat(ids(fx.node
                        .post(
                                "/getTasks/",
                                TestNode.obj().put("clientKey", otherKey).put("limit", "100"))
                        .json()
                        .get("tasks")))
                .containsExactly(theirs);
    }

    @Test
    void getTasksAndGetSpendingRefuseUnknownKeysSuspendedAccountsAndBadBounds() {
        long account = fx.node.account(10, "0.00075");
        String key = fx.node.key(account);
        for (String method : new String[] {"/getTasks", "/getSpending"}) {
            assertThat(fx.node
                            .post(method, TestNode.obj().put("clientKey", "nope"))
                            .errorCode())
                    .isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
            assertThat(fx.node.post(method, "").errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(fx.node.post(method, "[1]").errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        }
        for (Object bad : new Object[] {0, 101, "x", -1, 1.5}) {
            ObjectNode body = TestNode.obj().put("clientKey", key);
            body.set("limit", json(bad));
            Reply r = fx.node.post("/getTasks", body);
            assertThat(r.status()).as("limit %s", bad).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
            assertThat(r.json().get("errorDescription").asText()).contains("limit must be an integer in 1..100");
        }
        Reply days = fx.node.post(
                "/getSpending", TestNode.obj().put("clientKey", key).put("days", 91));
        assertThat(days.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        assertThat(days.json().get("errorDescription").asText()).contains("days must be an integer in 1..90: 91");

        fx.node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "suspended"));
        assertThat(fx.node
                        .post("/getTasks", TestNode.obj().put("clientKey", key))
                        .errorCode())
                .isEqualTo("ERROR_ACCOUNT_SUSPENDED");
        assertThat(fx.node
                        .post("/getSpending", TestNode.obj().put("clientKey", key))
                        .errorCode())
                .isEqualTo("ERROR_ACCOUNT_SUSPENDED");
    }

    private static JsonNode json(Object v) {
        return dev.solvegate.server.core.Json.MAPPER.valueToTree(v);
    }

    @Test
    void getSpendingSumsTodaysChargesAndCreditsAndShowsEmptyDays() {
        long account = fx.node.account(10, "0.00075");
        fx.node.credit(account, "2");
        fx.node.adminOk(
                "POST",
                "/admin/accounts/" + account + "/credits",
                TestNode.obj().put("amount", "-0.5").put("reason", "refund to card"));
        String key = fx.node.key(account);
        task(key, TOKEN_KEY, true);
        task(key, TOKEN_KEY, true);
        task(key, UNSOLVABLE_KEY, true);

        Reply r = fx.node.post(
                "/getSpending", TestNode.obj().put("clientKey", key).put("days", 7));
        assertThat(r.status()).isEqualTo(200);
        JsonNode days = r.json().get("days");
        assertThat(days).hasSize(7);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode last = days.get(6);
        assertThat(last.get("date").asText()).isEqualTo(today);
        assertThat(last.get("spent").asText())
                .as("two ready tasks; the failed one costs nothing")
                .isEqualTo("0.001500");
        assertThat(last.get("tasks").asLong()).isEqualTo(2);
        assertThat(last.get("credited").asText()).isEqualTo("1.500000");
        assertThat(days.get(0).get("spent").asText()).isEqualTo("0.000000");
        assertThat(days.get(0).get("date").asText())
                .isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(6).toString());
        assertThat(r.json().get("spent").asText()).isEqualTo("0.001500");
        assertThat(r.json().get("tasks").asLong()).isEqualTo(2);

        assertThat(fx.node
                        .post("/getSpending", TestNode.obj().put("clientKey", key))
                        .json()
                        .get("days"))
                .as("30 days by default")
                .hasSize(30);
    }
}
