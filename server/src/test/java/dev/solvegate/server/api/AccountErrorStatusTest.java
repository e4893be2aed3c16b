package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An account's own error-status mode ({@code errorStatus}, admin PATCH) against the node's
 * ({@code SOLVEGATE_ERROR_STATUS}): the caller's account decides every answer once its key is known; before
 * that the node's mode applies. Also: a failed task read back never carries {@code Retry-After}.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AccountErrorStatusTest {

    private static final Map<String, String> FAST = Map.of(
            "SOLVEGATE_SOLVE_TIMEOUT",
            "400ms",
            "SOLVEGATE_TASK_TIMEOUT",
            "5s",
            "SOLVEGATE_PROXY_ALLOW_PRIVATE",
            "true");

    @Parameter
    TestDatabase database;

    @Test
    void anAccountIn200ModeGetsEveryErrorWith200OnASeedNode() {
        try (TestNode node = TestNode.start(database, FAST)) {
            new Fixture(node);
            Caller compat = caller(node);
            Caller seed = caller(node);
            assertThat(node.adminOk("PATCH", "/admin/accounts/" + compat.account, mode("200"))
                            .get("errorStatus")
                            .asText())
                    .isEqualTo("200");
            assertThat(node.accountView(seed.account).get("errorStatus").isNull())
                    .isTrue();

            assertStatuses(node, compat, 200, 200, 200, 200);
            assertStatuses(node, seed, 400, 404, 400, 403);
            // before the key is known, the node's mode answers
            assertThat(node.post("/createTask", Fixture.body("nope")).status()).isEqualTo(404);

            // null: follow the node again
            assertThat(node.adminOk(
                                    "PATCH",
                                    "/admin/accounts/" + compat.account,
                                    TestNode.obj().putNull("errorStatus"))
                            .get("errorStatus")
                            .isNull())
                    .isTrue();
            assertStatuses(node, compat, 400, 404, 400, 403);
        }
    }

    @Test
    void anAccountInSeedModeGetsTheCatalogueStatusesOnA200Node() {
        Map<String, String> env = new java.util.HashMap<>(FAST);
        env.put("SOLVEGATE_ERROR_STATUS", "200");
        try (TestNode node = TestNode.start(database, env)) {
            new Fixture(node);
            Caller strict = caller(node);
            Caller compat = caller(node);
            node.adminOk("PATCH", "/admin/accounts/" + strict.account, mode("seed"));
            assertStatuses(node, strict, 400, 404, 400, 403);
            assertStatuses(node, compat, 200, 200, 200, 200);
            // suspended: getBalance and createTask refuse in the account's mode
            node.adminOk(
                    "PATCH", "/admin/accounts/" + strict.account, TestNode.obj().put("status", "suspended"));
            Reply balance = node.post("/getBalance", TestNode.obj().put("clientKey", strict.key));
            assertThat(balance.errorCode()).isEqualTo("ERROR_ACCOUNT_SUSPENDED");
            assertThat(balance.status()).isEqualTo(403);
            assertThat(node.post("/createTask", Fixture.body(strict.key)).status())
                    .isEqualTo(403);
            assertThat(node.post("/createTask", Fixture.body("nope")).status()).isEqualTo(200);
        }
    }

    @Test
    void aBadErrorStatusIsRefusedNamingTheFieldAndChangesNothing() {
        try (TestNode node = TestNode.start(database, FAST)) {
            Caller c = caller(node);
            node.adminOk("PATCH", "/admin/accounts/" + c.account, mode("200"));
            String before = node.accountView(c.account).toString();
            for (String bad : new String[] {"\"201\"", "\"\"", "true", "{}", "\"compat\""}) {
                Reply r = node.admin(
                        "PATCH",
                        "/admin/accounts/" + c.account,
                        TestNode.obj().put("maxThreads", 3).set("errorStatus", json(bad)));
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().get("field").asText()).isEqualTo("errorStatus");
            }
            assertThat(node.accountView(c.account).toString()).isEqualTo(before);
            // "200" may also be sent as a number, "SEED" in any case
            node.adminOk("PATCH", "/admin/accounts/" + c.account, TestNode.obj().put("errorStatus", 200));
            assertThat(node.accountView(c.account).get("errorStatus").asText()).isEqualTo("200");
            node.adminOk("PATCH", "/admin/accounts/" + c.account, mode("SEED"));
            assertThat(node.accountView(c.account).get("errorStatus").asText()).isEqualTo("seed");
        }
    }

    @Test
    void aFailedTaskReadBackCarriesItsStatusButNoRetryAfter() {
        try (TestNode node = TestNode.start(database, FAST)) {
            Caller c = caller(node);
            String pk = UUID.randomUUID().toString();
            node.template(pk, "test", "{\"outcome\":\"processing-image\"}");
            ObjectNode body = Fixture.body(c.key);
            ((ObjectNode) body.get("task")).put("websitePublicKey", pk);
            long id = node.post("/createTask", body).json().get("taskId").asLong();
            ObjectNode read = TestNode.obj().put("clientKey", c.key).put("taskId", id);
            Reply failed = await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> node.post("/getTaskResult", read), r -> r.errorCode() != null);
            assertThat(failed.errorCode()).isEqualTo("ERROR_PROCESSING_IMAGE");
            assertThat(failed.json().get("status").asText()).isEqualTo("failed");
            assertThat(failed.status()).isEqualTo(504);
            assertThat(failed.headers().firstValue("Retry-After")).isEmpty();
            Reply byPath = node.get("/getTaskResult/" + id, Map.of("X-Client-Key", c.key));
            assertThat(byPath.headers().firstValue("Retry-After")).isEmpty();
            assertThat(byPath.json()).isEqualTo(failed.json());
        }
    }

    private record Caller(long account, String key) {}

    private static Caller caller(TestNode node) {
        long account = node.account(10, "0.5");
        node.credit(account, "5");
        return new Caller(account, node.key(account));
    }

    private static ObjectNode mode(String mode) {
        return TestNode.obj().put("errorStatus", mode);
    }

    private static JsonNode json(String text) {
        try {
            return dev.solvegate.server.core.Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The statuses of a createTask field error, an unknown task, a getTaskResult without id, and a failed task. */
    private static void assertStatuses(TestNode node, Caller c, int field, int notFound, int noId, int failed) {
        ObjectNode badPort = Fixture.body(c.key);
        ((ObjectNode) badPort.get("task")).put("proxy", "http://u:p@203.0.113.7:70000");
        Reply r = node.post("/createTask", badPort);
        assertThat(r.errorCode()).isEqualTo("ERROR_INVALID_PROXY_PORT");
        assertThat(r.status()).isEqualTo(field);

        Reply unknown = node.post(
                "/getTaskResult", TestNode.obj().put("clientKey", c.key).put("taskId", 987654321));
        assertThat(unknown.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
        assertThat(unknown.status()).isEqualTo(notFound);
        assertThat(node.get("/getTaskResult/987654321", Map.of("X-Client-Key", c.key))
                        .status())
                .isEqualTo(notFound);

        Reply noTaskId = node.post("/getTaskResult", TestNode.obj().put("clientKey", c.key));
        assertThat(noTaskId.errorCode()).isEqualTo("ERROR_MISSING_REQUEST_DATA");
        assertThat(noTaskId.status()).isEqualTo(noId);

        String pk = UUID.randomUUID().toString();
        node.template(pk, "test", "{\"outcome\":\"unsolvable\"}");
        ObjectNode body = Fixture.body(c.key);
        ((ObjectNode) body.get("task")).put("websitePublicKey", pk);
        long id = node.post("/createTask", body).json().get("taskId").asLong();
        ObjectNode read = TestNode.obj().put("clientKey", c.key).put("taskId", id);
        Reply ended = await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> node.post("/getTaskResult", read), x -> x.errorCode() != null);
        assertThat(ended.errorCode()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
        assertThat(ended.status()).isEqualTo(failed);
    }
}
