package dev.solvegate.server.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with a plugin (its own Jackson, in a dependency folder): listed by the admin API and /metrics, its
 * settings check answered as 400 naming {@code settings}, and its tasks solved on a thread whose context class
 * loader is its own, with its attempts in the solver metrics.
 */
class PluginNodeTest {

    @TempDir
    Path plugins;

    @Test
    void aPluginIsListedChecksItsSettingsAndSolvesTasks() throws Exception {
        TestPlugins.otherJackson(plugins);
        try (TestNode n = TestNode.start(
                TestDatabase.H2,
                Map.of("SOLVEGATE_PLUGINS", plugins.toString(), "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"))) {
            JsonNode listed = n.adminOk("GET", "/admin/solvers", null).path("solvers");
            assertThat(listed.findValuesAsText("id")).containsExactly("other-jackson", "puzzle", "test");
            assertThat(listed.get(0).toString())
                    .isEqualTo(
                            "{\"id\":\"other-jackson\",\"jar\":\"other-jackson-1.0.jar\",\"version\":\"1.0.0\",\"spi\":\"1.0\"}");

            String publicKey = UUID.randomUUID().toString();
            TestNode.Reply refused = n.admin(
                    "PUT",
                    "/admin/templates/" + publicKey,
                    TestNode.obj()
                            .put("solver", "other-jackson")
                            .set("settings", TestNode.obj().put("name", "x")));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().path("field").asText()).isEqualTo("settings");
            assertThat(refused.json().path("error").asText())
                    .isEqualTo("settings refused by solver other-jackson: greeting is required: {name=x}");
            assertThat(n.admin("GET", "/admin/templates/" + publicKey, null).status())
                    .as("a refused template is not saved")
                    .isEqualTo(404);

            TestNode.Reply unknown = n.admin(
                    "PUT", "/admin/templates/" + publicKey, TestNode.obj().put("solver", "not-loaded"));
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().path("field").asText()).isEqualTo("solver");

            n.template(publicKey, "other-jackson", "{\"greeting\":\"hi\"}");
            long account = n.account(10, "0.5");
            n.credit(account, "5");
            String key = n.key(account);
            TestNode.Reply created = n.post(
                    "/createTask",
                    TestNode.obj()
                            .put("clientKey", key)
                            .set(
                                    "task",
                                    TestNode.obj()
                                            .put("type", "FunCaptchaTask")
                                            .put("websiteURL", "https://example.org/login")
                                            .put("websitePublicKey", publicKey)
                                            .put("websiteSubdomain", "challenge.example.org")
                                            .put("proxy", "http://user:pass@127.0.0.1:9")));
            assertThat(created.json().path("errorId").asInt()).as(created.raw()).isZero();
            long id = created.json().path("taskId").asLong();
            JsonNode result = await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(
                            () -> n.post(
                                            "/getTaskResult",
                                            TestNode.obj().put("clientKey", key).put("taskId", id))
                                    .json(),
                            j -> !"processing".equals(j.path("status").asText()));

            assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("ready");
            JsonNode seen =
                    Json.MAPPER.readTree(result.path("solution").path("token").asText());
            assertThat(seen.path("jackson").asText()).isEqualTo(TestPlugins.otherJacksonVersion());
            assertThat(seen.path("taskId").asLong()).isEqualTo(id);
            assertThat(seen.path("ownLoader").asBoolean())
                    .as("the solve thread's context class loader is the plugin's")
                    .isTrue();
            assertThat(seen.path("io.helidon.webserver.WebServer").asBoolean()).isFalse();

            String metrics = n.adminAs(null, "GET", "/metrics", null).raw();
            assertThat(metrics)
                    .contains("solvegate_solver_info{id=\"other-jackson\",jar=\"other-jackson-1.0.jar\",spi=\"1.0\","
                            + "version=\"1.0.0\"} 1")
                    .containsPattern(
                            "solvegate_solver_info\\{id=\"test\",jar=\"built-in\",spi=\"1.0\",version=\"[^\"]+\"} 1\n")
                    .contains("solvegate_solve_duration_seconds_count{outcome=\"ready\",solver=\"other-jackson\"} 1");
        }
    }
}
