package dev.solvegate.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo in-process: the puzzle solved through the demo proxy, the test templates, reruns. */
class DemoTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path data;

    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SOLVEGATE_DATA_DIR", data.toString());
        env.put("SOLVEGATE_PORT", "0");
        env.put("SOLVEGATE_ADMIN_PORT", "0");
        env.put("SOLVEGATE_DEMO_SITE_PORT", "0");
        env.put("SOLVEGATE_DEMO_PROXY_PORT", "0");
        env.put("SOLVEGATE_SOLVE_TIMEOUT", "6s");
        env.put("SOLVEGATE_TASK_TIMEOUT", "8s");
        return env;
    }

    @Test
    void puzzleTaskIsSolvedThroughTheDemoProxyAndItsTokenVerifiesOnce() throws Exception {
        try (Demo demo = Demo.start(env(), Clock.systemUTC())) {
            DemoFacts f = demo.facts();
            JsonNode result = solve(f, f.websitePublicKey());
            assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("ready");
            String token = result.path("solution").path("token").asText();

            JsonNode first =
                    post(f.verifyUrl(), "{\"privateKey\":\"" + f.sitePrivateKey() + "\",\"token\":\"" + token + "\"}");
            JsonNode second =
                    post(f.verifyUrl(), "{\"privateKey\":\"" + f.sitePrivateKey() + "\",\"token\":\"" + token + "\"}");
            assertThat(first.path("valid").asBoolean()).as(first.toString()).isTrue();
            assertThat(first.path("publicKey").asText()).isEqualTo(f.websitePublicKey());
            assertThat(second.path("valid").asBoolean()).isFalse();
            assertThat(second.path("reason").asText()).contains("already been used");
            await("the proxy's tunnels to close")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> demo.proxyConnections() == 0);
        }
    }

    @Test
    void everyTestOutcomeHasATemplateThatEndsAsThatOutcome() throws Exception {
        Map<String, String> expected = Map.of(
                "token", "ready",
                "unsolvable", "ERROR_CAPTCHA_UNSOLVABLE",
                "processing-image", "ERROR_PROCESSING_IMAGE",
                "fingerprint-unavailable", "ERROR_FINGERPRINT_UNAVAILABLE",
                "exception", "ERROR_TASK_EXCEPTION",
                "hang", "ERROR_SOLVE_TIMEOUT");
        try (Demo demo = Demo.start(env(), Clock.systemUTC())) {
            DemoFacts f = demo.facts();
            assertThat(f.testTemplates().keySet()).containsExactlyElementsOf(Demo.OUTCOMES);
            Map<String, Long> ids = new LinkedHashMap<>();
            for (String outcome : Demo.OUTCOMES) {
                ids.put(outcome, create(f, f.testTemplates().get(outcome)));
            }
            for (String outcome : Demo.OUTCOMES) {
                JsonNode r = awaitEnd(f, ids.get(outcome));
                String ended = r.path("status").asText().equals("ready")
                        ? "ready"
                        : r.path("errorCode").asText();
                if (outcome.equals("hang")) {
                    assertThat(ended).as(outcome).isIn("ERROR_SOLVE_TIMEOUT", "ERROR_TASK_TIMEOUT");
                } else {
                    assertThat(ended).as(outcome).isEqualTo(expected.get(outcome));
                }
            }
        }
    }

    @Test
    void rerunOverTheSameDataKeepsKeysAndClientKeyAndFileIsPrivate() throws Exception {
        DemoFacts first;
        try (Demo demo = Demo.start(env(), Clock.systemUTC())) {
            first = demo.facts();
        }
        JsonNode stored = Json.MAPPER.readTree(Files.readString(data.resolve("demo.json")));
        assertThat(stored.path("clientKey").asText()).isEqualTo(first.clientKey());
        assertThat(stored.path("testTemplates").size()).isEqualTo(6);
        assertThat(Files.getPosixFilePermissions(data.resolve("demo.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Demo demo = Demo.start(env(), Clock.systemUTC())) {
            DemoFacts again = demo.facts();
            assertThat(again.websitePublicKey()).isEqualTo(first.websitePublicKey());
            assertThat(again.sitePrivateKey()).isEqualTo(first.sitePrivateKey());
            assertThat(again.clientKey()).isEqualTo(first.clientKey());
            assertThat(again.testTemplates()).isEqualTo(first.testTemplates());
            assertThat(again.proxy().replaceAll(":\\d+$", ""))
                    .isEqualTo(first.proxy().replaceAll(":\\d+$", ""));
            assertThat(solve(again, again.websitePublicKey()).path("status").asText())
                    .isEqualTo("ready");
        }
    }

    @Test
    void printedCreateTaskBodyIsTheFactsAndBadPortsAreNamed() throws Exception {
        Map<String, String> env = env();
        env.put("SOLVEGATE_DEMO_PROXY_PORT", "70000");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Demo.start(env, Clock.systemUTC()))
                .isInstanceOf(Demo.BadSetting.class)
                .hasMessageContaining("SOLVEGATE_DEMO_PROXY_PORT")
                .hasMessageContaining("70000");
        try (Demo demo = Demo.start(env(), Clock.systemUTC())) {
            DemoFacts f = demo.facts();
            String curl = DemoText.createTask(f);
            assertThat(curl)
                    .startsWith("curl -s " + f.apiBase() + "/createTask -d '")
                    .endsWith("'");
            JsonNode body = Json.MAPPER.readTree(curl.substring(curl.indexOf('\'') + 1, curl.length() - 1));
            assertThat(body.path("clientKey").asText()).isEqualTo(f.clientKey());
            assertThat(body.path("task").path("proxy").asText()).isEqualTo(f.proxy());
            assertThat(DemoText.ready(f, demo.file()))
                    .contains(curl, DemoText.getTaskResult(f), DemoText.verify(f))
                    .doesNotContain(f.adminToken());
        }
    }

    @Test
    void aBusyPortStopsTheStartWithTheVariableNamed() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket()) {
            busy.bind(new java.net.InetSocketAddress("0.0.0.0", 0));
            for (String variable : java.util.List.of("SOLVEGATE_DEMO_SITE_PORT", "SOLVEGATE_PORT")) {
                Map<String, String> env = env();
                env.put(variable, Integer.toString(busy.getLocalPort()));
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> Demo.start(env, Clock.systemUTC()))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(variable)
                        .hasMessageContaining(Integer.toString(busy.getLocalPort()));
            }
        }
        try (Demo demo = Demo.start(env(), Clock.systemUTC())) { // and the same data folder starts fine afterwards
            assertThat(demo.facts().apiBase()).doesNotEndWith(":-1");
        }
    }

    private static JsonNode solve(DemoFacts f, String publicKey) throws Exception {
        return awaitEnd(f, create(f, publicKey));
    }

    private static long create(DemoFacts f, String publicKey) throws Exception {
        String body = Json.MAPPER
                .createObjectNode()
                .put("clientKey", f.clientKey())
                .set(
                        "task",
                        Json.MAPPER
                                .createObjectNode()
                                .put("type", "FunCaptchaTask")
                                .put("websiteURL", f.websiteURL())
                                .put("websitePublicKey", publicKey)
                                .put("websiteSubdomain", f.websiteSubdomain())
                                .put("proxy", f.proxy()))
                .toString();
        JsonNode created = post(f.apiBase() + "/createTask", body);
        assertThat(created.path("errorId").asInt()).as(created.toString()).isZero();
        return created.path("taskId").asLong();
    }

    private static JsonNode awaitEnd(DemoFacts f, long taskId) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last[0] = post(
                            f.apiBase() + "/getTaskResult",
                            "{\"clientKey\":\"" + f.clientKey() + "\",\"taskId\":" + taskId + "}");
                    return !last[0].path("status").asText().equals("processing");
                });
        return last[0];
    }

    private static JsonNode post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> res = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(res.body());
    }
}
