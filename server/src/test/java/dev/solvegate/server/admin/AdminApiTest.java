package dev.solvegate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The admin API through real HTTP: the token, unknown ids, bad input, and what it never logs. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AdminApiTest {

    @Parameter
    TestDatabase database;

    static TestNode node;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase db) {
        node = TestNode.start(db, Map.of());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        node.close();
    }

    @Test
    void wrongOrMissingTokenIs401AndChangesNothing() {
        for (String token : new String[] {null, "wrong-token-wrong-token", TestNode.ADMIN_TOKEN + "x", ""}) {
            Reply r = node.adminAs(
                    token, "POST", "/admin/accounts", TestNode.obj().put("name", "intruder"));
            assertThat(r.status()).as("token %s", token).isEqualTo(401);
            assertThat(r.json().get("error").asText()).contains("token");
        }
        assertThat(node.adminAs(null, "PUT", "/admin/service", TestNode.obj().put("acceptingTasks", false))
                        .status())
                .isEqualTo(401);
        assertThat(node.admin("GET", "/admin/service", null)
                        .json()
                        .get("acceptingTasks")
                        .asBoolean())
                .isTrue();
        long count = node.node().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM accounts")
                .mapTo(Long.class)
                .one());
        assertThat(node.admin("GET", "/admin/accounts/" + (count + 1), null).status())
                .isEqualTo(404);
    }

    @Test
    void unknownIdsAre404() {
        assertThat(node.admin("GET", "/admin/accounts/987654", null).status()).isEqualTo(404);
        assertThat(node.admin("PATCH", "/admin/accounts/987654", TestNode.obj().put("maxThreads", 3))
                        .status())
                .isEqualTo(404);
        assertThat(node.admin(
                                "POST",
                                "/admin/accounts/987654/credits",
                                TestNode.obj().put("amount", "1").put("reason", "x"))
                        .status())
                .isEqualTo(404);
        assertThat(node.admin("POST", "/admin/accounts/987654/keys", TestNode.obj())
                        .status())
                .isEqualTo(404);
        assertThat(node.admin(
                                "POST",
                                "/admin/accounts/987654/packages",
                                TestNode.obj()
                                        .put("name", "p")
                                        .put("threads", 1)
                                        .put("hourlyQuota", 1)
                                        .put("dailyQuota", 1)
                                        .put("expiresAt", "2099-01-01T00:00:00Z"))
                        .status())
                .isEqualTo(404);
        assertThat(node.admin("PATCH", "/admin/packages/987654", TestNode.obj().put("paused", true))
                        .status())
                .isEqualTo(404);
        assertThat(node.admin("DELETE", "/admin/keys/987654", null).status()).isEqualTo(404);
        assertThat(node.admin("DELETE", "/admin/templates/99999999-9999-4999-8999-999999999999", null)
                        .status())
                .isEqualTo(404);
        assertThat(node.admin("GET", "/admin/nothing", null).status()).isEqualTo(404);
    }

    @Test
    void badInputIs400NamingTheFieldAndChangesNothing() {
        long account = node.account(5, "0.001");
        node.credit(account, "2");
        String before = node.accountView(account).toString();
        record Case(String method, String path, String body, String field) {}
        List<Case> cases = List.of(
                new Case("POST", "/admin/accounts", "{}", "name"),
                new Case("POST", "/admin/accounts", "not json", "body"),
                new Case("POST", "/admin/accounts", "{\"name\":\"a\",\"maxThreads\":0}", "maxThreads"),
                new Case("POST", "/admin/accounts", "{\"name\":\"a\",\"price\":\"-1\"}", "price"),
                new Case("POST", "/admin/accounts", "{\"name\":\"a\",\"price\":\"0.0000001\"}", "price"),
                new Case("PATCH", "/admin/accounts/" + account, "{\"status\":\"frozen\"}", "status"),
                new Case("PATCH", "/admin/accounts/" + account, "{\"maxThreads\":\"many\"}", "maxThreads"),
                new Case("PATCH", "/admin/accounts/abc", "{}", "id"),
                new Case(
                        "POST",
                        "/admin/accounts/" + account + "/credits",
                        "{\"amount\":\"x\",\"reason\":\"r\"}",
                        "amount"),
                new Case(
                        "POST",
                        "/admin/accounts/" + account + "/credits",
                        "{\"amount\":\"0\",\"reason\":\"r\"}",
                        "amount"),
                new Case(
                        "POST",
                        "/admin/accounts/" + account + "/credits",
                        "{\"amount\":\"-3\",\"reason\":\"r\"}",
                        "amount"),
                new Case("POST", "/admin/accounts/" + account + "/credits", "{\"amount\":\"1\"}", "reason"),
                new Case(
                        "POST",
                        "/admin/accounts/" + account + "/packages",
                        "{\"name\":\"p\",\"threads\":1,\"hourlyQuota\":1,\"dailyQuota\":1,\"expiresAt\":\"tomorrow\"}",
                        "expiresAt"),
                new Case(
                        "POST",
                        "/admin/accounts/" + account + "/packages",
                        "{\"name\":\"p\",\"threads\":-1,\"hourlyQuota\":1,\"dailyQuota\":1,\"expiresAt\":\"2099-01-01T00:00:00Z\"}",
                        "threads"),
                new Case("POST", "/admin/accounts/" + account + "/keys", "{\"packageId\":424242}", "packageId"),
                new Case("PUT", "/admin/templates/not-a-uuid", "{\"solver\":\"test\"}", "publicKey"),
                new Case(
                        "PUT",
                        "/admin/templates/11111111-2222-4333-8444-555555555555",
                        "{\"solver\":\"nope\"}",
                        "solver"),
                new Case(
                        "PUT",
                        "/admin/templates/11111111-2222-4333-8444-555555555555",
                        "{\"solver\":\"test\",\"settings\":[1]}",
                        "settings"),
                new Case("PUT", "/admin/service", "{\"acceptingTasks\":\"yes\"}", "acceptingTasks"));
        for (Case c : cases) {
            Reply r = node.admin(c.method(), c.path(), json(c.body()));
            assertThat(r.status())
                    .as("%s %s %s -> %s", c.method(), c.path(), c.body(), r.raw())
                    .isEqualTo(400);
            assertThat(r.json().get("field").asText()).as(r.raw()).isEqualTo(c.field());
            assertThat(r.json().get("error").asText()).contains(c.field());
        }
        assertThat(node.accountView(account).toString()).isEqualTo(before);
        assertThat(node.admin("GET", "/admin/templates/11111111-2222-4333-8444-555555555555", null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void accountLifecycleAndLedger() {
        var created = node.adminOk("POST", "/admin/accounts", TestNode.obj().put("name", "acme"));
        long id = created.get("id").asLong();
        assertThat(created.get("status").asText()).isEqualTo("active");
        assertThat(created.get("price").asText()).isEqualTo("0.000750");
        assertThat(created.get("balance").asText()).isEqualTo("0.000000");
        assertThat(node.adminOk(
                                "POST",
                                "/admin/accounts/" + id + "/credits",
                                TestNode.obj().put("amount", "10.5").put("reason", "r"))
                        .get("balance")
                        .asText())
                .isEqualTo("10.500000");
        assertThat(node.adminOk(
                                "POST",
                                "/admin/accounts/" + id + "/credits",
                                TestNode.obj().put("amount", "-0.25").put("reason", "r"))
                        .get("balance")
                        .asText())
                .isEqualTo("10.250000");
        var patched = node.adminOk(
                "PATCH",
                "/admin/accounts/" + id,
                TestNode.obj().put("maxThreads", 3).put("price", "0.002"));
        assertThat(patched.get("maxThreads").asInt()).isEqualTo(3);
        assertThat(patched.get("price").asText()).isEqualTo("0.002000");
        long ledger = node.node().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT SUM(amount) FROM ledger WHERE account_id = :id")
                .bind("id", id)
                .mapTo(Long.class)
                .one());
        assertThat(ledger).isEqualTo(10_250_000L);
    }

    @Test
    void secretsNeverReachTheLog() {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters()) + " "
                        + r.getThrown());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        Level old = root.getLevel();
        root.setLevel(Level.INFO);
        root.addHandler(capture);
        try {
            long account = node.account(5, "0.001");
            node.credit(account, "1");
            var key = node.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj());
            String secret = key.get("clientKey").asText();
            node.post("/createTask", TestNode.obj().put("clientKey", secret).put("task", "x"));
            node.post("/getBalance", TestNode.obj().put("clientKey", secret));
            node.adminOk("DELETE", "/admin/keys/" + key.get("id").asLong(), null);
            assertThat(lines).isNotEmpty();
            assertThat(String.join("\n", lines)).doesNotContain(secret).doesNotContain(TestNode.ADMIN_TOKEN);
            assertThat(String.join("\n", lines)).contains("created key");
        } finally {
            root.removeHandler(capture);
            root.setLevel(old);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return dev.solvegate.server.core.Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return dev.solvegate.server.core.Json.MAPPER.getNodeFactory().textNode(text);
        }
    }
}
