package dev.solvegate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The admin API's lists and live view through real HTTP: what the operator console reads. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AdminReadsTest {

    static final String TOKEN_KEY = "7b2e4d00-0000-4000-8000-000000000001";
    static final String UNSOLVABLE_KEY = "7b2e4d00-0000-4000-8000-000000000002";

    @Parameter
    TestDatabase database;

    static TestNode node;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        node = TestNode.start(db, Map.of());
        node.template(TOKEN_KEY, "test", "{\"outcome\":\"token\"}");
        node.template(UNSOLVABLE_KEY, "test", "{\"outcome\":\"unsolvable\"}");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        node.close();
    }

    private static long account(String name) {
        return node.adminOk("POST", "/admin/accounts", TestNode.obj().put("name", name))
                .get("id")
                .asLong();
    }

    private static List<Long> ids(JsonNode list) {
        List<Long> out = new ArrayList<>();
        list.forEach(a -> out.add(a.get("id").asLong()));
        return out;
    }

    private static long solve(String key, String template) {
        ObjectNode task = TestNode.obj()
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/login")
                .put("websitePublicKey", template)
                .put("websiteSubdomain", "challenge.example.org")
                .put("proxy", "http://user:pass@203.0.113.7:8080");
        ObjectNode body = TestNode.obj().put("clientKey", key);
        body.set("task", task);
        long id = node.post("/createTask", body).json().get("taskId").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> !"processing"
                .equals(node.post(
                                "/getTaskResult",
                                TestNode.obj().put("clientKey", key).put("taskId", id))
                        .json()
                        .path("status")
                        .asText()));
        return id;
    }

    @Test
    void accountsAreFoundByPartOfTheirNameInAnyCaseOrByIdNewestFirst() {
        long first = account("Northwind Traders");
        long second = account("northwind labs");
        long third = account("100% Pure_Data");

        assertThat(ids(node.adminOk("GET", "/admin/accounts?search=NORTHWIND", null)
                        .get("accounts")))
                .containsExactly(second, first);
        assertThat(ids(node.adminOk("GET", "/admin/accounts?search=" + third, null)
                        .get("accounts")))
                .contains(third)
                .doesNotContain(first, second);
        assertThat(ids(node.adminOk("GET", "/admin/accounts?search=0%25%20P", null)
                        .get("accounts")))
                .as("%% is a character, not a wildcard")
                .containsExactly(third);
        assertThat(ids(node.adminOk("GET", "/admin/accounts?search=e_D", null).get("accounts")))
                .as("_ is a character, not a wildcard")
                .containsExactly(third);
        assertThat(ids(node.adminOk("GET", "/admin/accounts?search=no-such-name-at-all", null)
                        .get("accounts")))
                .isEmpty();
        JsonNode all = node.adminOk("GET", "/admin/accounts?limit=2", null).get("accounts");
        assertThat(ids(all)).containsExactly(third, second);
        assertThat(all.get(0).get("balance").asText()).isEqualTo("0.000000");

        Reply bad = node.admin("GET", "/admin/accounts?limit=0", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("limit");
        assertThat(node.adminAs(null, "GET", "/admin/accounts", null).status()).isEqualTo(401);
    }

    @Test
    void keysAreListedByIdAndPrefixNeverBySecret() {
        long account = account("keys");
        long pkg = node.pkg(account, 2, 10, 100, "2099-01-01T00:00:00Z");
        JsonNode balanceKey = node.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj());
        JsonNode packageKey = node.adminOk(
                "POST", "/admin/accounts/" + account + "/keys", TestNode.obj().put("packageId", pkg));
        node.adminOk("DELETE", "/admin/keys/" + balanceKey.get("id").asLong(), null);

        Reply r = node.admin("GET", "/admin/accounts/" + account + "/keys", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode keys = r.json().get("keys");
        assertThat(ids(keys))
                .containsExactly(
                        packageKey.get("id").asLong(), balanceKey.get("id").asLong());
        String secret = packageKey.get("clientKey").asText();
        assertThat(keys.get(0).get("prefix").asText()).isEqualTo(secret.substring(0, 6));
        assertThat(keys.get(0).get("packageId").asLong()).isEqualTo(pkg);
        assertThat(keys.get(0).get("revoked").asBoolean()).isFalse();
        assertThat(keys.get(1).get("revoked").asBoolean()).isTrue();
        assertThat(keys.get(1).has("packageId")).isFalse();
        assertThat(r.raw())
                .doesNotContain(secret)
                .doesNotContain(secret.substring(0, 8))
                .doesNotContain(balanceKey.get("clientKey").asText());

        JsonNode packages = node.adminOk("GET", "/admin/accounts/" + account + "/packages", null)
                .get("packages");
        assertThat(ids(packages)).containsExactly(pkg);
        assertThat(packages.get(0).get("hourlyQuota").asInt()).isEqualTo(10);
        assertThat(node.admin("GET", "/admin/accounts/987654/keys", null).status())
                .isEqualTo(404);
        assertThat(node.admin("GET", "/admin/accounts/987654/packages", null).status())
                .isEqualTo(404);
    }

    @Test
    void tasksLedgerAndStatsShowWhatHappened() {
        long account = account("busy");
        node.credit(account, "1");
        String key = node.key(account);
        long ready = solve(key, TOKEN_KEY);
        long failed = solve(key, UNSOLVABLE_KEY);

        JsonNode tasks = node.adminOk("GET", "/admin/accounts/" + account + "/tasks", null)
                .get("tasks");
        assertThat(ids(tasks)).containsExactly(failed, ready);
        assertThat(tasks.get(1).get("status").asText()).isEqualTo("ready");
        assertThat(tasks.get(1).get("solver").asText()).isEqualTo("test");
        assertThat(tasks.get(1).get("cost").asText()).isEqualTo("0.000750");
        assertThat(tasks.get(1).get("createdAt").asText()).endsWith("Z");
        assertThat(tasks.get(1).get("endedAt").asText()).endsWith("Z");
        assertThat(tasks.get(0).get("errorCode").asText()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
        assertThat(ids(node.adminOk("GET", "/admin/accounts/" + account + "/tasks?limit=1", null)
                        .get("tasks")))
                .containsExactly(failed);

        JsonNode ledger = node.adminOk("GET", "/admin/accounts/" + account + "/ledger", null)
                .get("entries");
        assertThat(ledger).hasSize(2);
        assertThat(ledger.get(0).get("kind").asText()).isEqualTo("charge");
        assertThat(ledger.get(0).get("amount").asText()).isEqualTo("-0.000750");
        assertThat(ledger.get(0).get("taskId").asLong()).isEqualTo(ready);
        assertThat(ledger.get(1).get("kind").asText()).isEqualTo("credit");
        assertThat(ledger.get(1).get("reason").asText()).isEqualTo("test");
        assertThat(ledger.get(1).has("taskId")).isFalse();

        JsonNode stats = node.adminOk("GET", "/admin/stats?minutes=5", null);
        JsonNode minutes = stats.get("minutes");
        assertThat(minutes).hasSize(5);
        long readyCount = 0;
        long unsolvable = 0;
        for (JsonNode m : minutes) {
            readyCount += m.get("ready").asLong();
            unsolvable += m.path("byOutcome").path("ERROR_CAPTCHA_UNSOLVABLE").asLong();
        }
        assertThat(readyCount).isGreaterThanOrEqualTo(1);
        assertThat(unsolvable).isGreaterThanOrEqualTo(1);
        assertThat(minutes.get(4).has("p50Ms") || minutes.get(3).has("p50Ms")).isTrue();
        assertThat(stats.get("workersMax").asInt()).isEqualTo(1000);
        assertThat(stats.get("queueDepth").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(stats.get("acceptingTasks").asBoolean()).isTrue();
        assertThat(node.admin("GET", "/admin/stats?minutes=61", null).status()).isEqualTo(400);
    }

    @Test
    void templatesAreListedByPublicKey() {
        JsonNode list = node.adminOk("GET", "/admin/templates", null).get("templates");
        List<String> keys = new ArrayList<>();
        list.forEach(t -> keys.add(t.get("publicKey").asText()));
        assertThat(keys).contains(TOKEN_KEY, UNSOLVABLE_KEY).isSorted();
        assertThat(list.get(keys.indexOf(TOKEN_KEY))
                        .get("settings")
                        .get("outcome")
                        .asText())
                .isEqualTo("token");
    }
}
