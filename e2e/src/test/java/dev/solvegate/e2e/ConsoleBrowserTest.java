package dev.solvegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.node.Node;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both consoles in Debian's headless chromium (playwright-core, e2e/browser/console.mjs), driven by their
 * accessible names against a real node: an operator signs in (after a wrong token), creates and credits an
 * account, issues a key (shown once), saves a template, watches the live view and suspends the account; its
 * customer signs in with that key (after a wrong one) and sees the task just solved and what it cost. No
 * script error may occur. Screenshots of every page go to e2e/target/console (docs/console holds reviewed
 * copies). This test then checks through the admin API that the credit reached the ledger.
 */
class ConsoleBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "console-test-admin-token-0123456789";
    private static final String OTHER = "Globex Secret Holdings";
    private static final String PUBLIC_KEY = "5c0a51e0-0000-4000-8000-00000000c0de";

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anOperatorRunsTheServiceAndItsCustomerSeesWhatTheySpent() throws Exception {
        Path browser = BrowserTools.require(ConsoleBrowserTest.class);
        Path shots = Repo.root().resolve("e2e/target/console");
        Files.createDirectories(shots);
        Path data = Files.createTempDirectory("solvegate-console");
        Config config = Config.fromEnv(Map.of(
                "SOLVEGATE_PORT", "0",
                "SOLVEGATE_ADMIN_PORT", "0",
                "SOLVEGATE_ADMIN_TOKEN", TOKEN,
                "SOLVEGATE_DATA_DIR", data.toString(),
                "SOLVEGATE_DRAIN_GRACE", "200ms"));
        try (Node node = Node.start(config, Clock.systemUTC())) {
            String admin = "http://127.0.0.1:" + node.adminPort();
            String pub = "http://127.0.0.1:" + node.port();
            long other = adminPost(admin, "/admin/accounts", "{\"name\":\"" + OTHER + "\"}")
                    .get("id")
                    .asLong();
            adminPost(admin, "/admin/accounts/" + other + "/credits", "{\"amount\":\"5\",\"reason\":\"theirs\"}");

            ProcessBuilder pb = new ProcessBuilder("node", "console.mjs", shots.toString())
                    .directory(browser.toFile())
                    .redirectError(shots.resolve("console.err").toFile());
            pb.environment()
                    .putAll(Map.of(
                            "ADMIN_URL", admin,
                            "PUBLIC_URL", pub,
                            "ADMIN_TOKEN", TOKEN,
                            "OTHER_ACCOUNT", OTHER,
                            "PUBLIC_KEY", PUBLIC_KEY));
            Process p = pb.start();
            String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    Repo.stopTree(p, Duration.ofSeconds(5));
                }
            }
            List<String> lines = out.lines().toList();
            assertThat(lines)
                    .as("console.mjs printed its result; see %s", shots.resolve("console.err"))
                    .isNotEmpty();
            JsonNode end = JSON.readTree(lines.getLast());
            assertThat(end.has("error")).as("browser: %s", end).isFalse();
            assertThat(end.path("ok").asBoolean()).isTrue();

            long account = end.get("accountId").asLong();
            JsonNode ledger = adminGet(admin, "/admin/accounts/" + account + "/ledger");
            assertThat(ledger.get("entries").findValuesAsText("reason")).contains("first payment by wire");
            assertThat(Ledger.sum(node.database().jdbi(), account))
                    .as("10 credited, one task charged at the default price")
                    .isEqualTo(10_000_000 - 750);
            JsonNode view = adminGet(admin, "/admin/accounts/" + account);
            assertThat(view.get("status").asText()).isEqualTo("suspended");
            assertThat(view.get("balance").asText()).isEqualTo("9.999250");
            assertThat(Ledger.sum(node.database().jdbi(), other)).isEqualTo(5_000_000);
            for (String page : new String[] {
                "operator-signin",
                "operator-accounts",
                "operator-account",
                "operator-key-shown-once",
                "operator-templates",
                "operator-service",
                "customer-signin",
                "customer-home",
                "customer-phone"
            }) {
                assertThat(shots.resolve(page + ".png")).isNotEmptyFile();
            }
        }
    }

    private static JsonNode adminPost(String base, String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode adminGet(String base, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private static JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(
                    b.header("Authorization", "Bearer " + TOKEN)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s", r.body()).isBetween(200, 299);
            return JSON.readTree(r.body());
        }
    }
}
