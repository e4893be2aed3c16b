package dev.solvegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real npm clients of the anti-captcha family, unmodified and pinned exactly (e2e/clients/package.json), against a
 * real node on 127.0.0.1, each in the error-status mode it needs, served by one node: the accounts of the
 * clients that drop non-2xx bodies are in mode 200 ({@code errorStatus}), node-capmonster's in seed mode. They are
 * installed with npm into e2e/target/npm-clients and run by e2e/clients/clients.js.
 *
 * <p>Needs node and npm (Debian's; {@code .ci/browser.sh} installs them) and the npm registry: under {@code
 * CI=true} a missing tool fails the test, elsewhere it is skipped with a notice.
 */
class NpmClientsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "e2e-admin-token-0123456789";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theClientsWorkUnmodifiedInTheModeEachNeeds(String database) throws Exception {
        Path clients = install();
        Map<String, String> env = new HashMap<>();
        env.put("SOLVEGATE_PORT", "0");
        env.put("SOLVEGATE_ADMIN_PORT", "0");
        env.put("SOLVEGATE_ADMIN_TOKEN", TOKEN);
        env.put("SOLVEGATE_DATA_DIR", Files.createTempDirectory("npm-clients").toString());
        env.put("SOLVEGATE_DRAIN_GRACE", "200ms");
        env.putAll(database(database));
        try (Node node = Node.start(Config.fromEnv(env), Clock.systemUTC())) {
            String admin = "http://127.0.0.1:" + node.adminPort();
            String compat = key(admin, "200");
            String seed = key(admin, null);
            String tokenPk = template(admin, "{\"outcome\":\"token\",\"delayMs\":300}");
            String unsolvablePk = template(admin, "{\"outcome\":\"unsolvable\",\"delayMs\":100}");
            Process p = new ProcessBuilder(
                            "node",
                            "clients.js",
                            "http://127.0.0.1:" + node.port(),
                            compat,
                            seed,
                            tokenPk,
                            unsolvablePk)
                    .directory(clients.toFile())
                    .redirectError(
                            clients.resolve("clients-" + database + ".err").toFile())
                    .start();
            String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(p.exitValue())
                    .as("clients.js: %s; stderr in %s", out, clients.resolve("clients-" + database + ".err"))
                    .isZero();
            JsonNode r = JSON.readTree(out);
            System.out.println("npm clients on " + database + ": " + r);

            JsonNode cmc = r.path("capmonstercloud-client"); // errorStatus 200
            assertThat(cmc.path("balance").asDouble()).as(cmc.toString()).isEqualTo(10.0);
            assertThat(cmc.path("token").asText()).startsWith("test-");
            assertThat(cmc.path("unsolvable").asText()).isEqualTo("CAPTCHA_UNSOLVABLE");
            // an unknown key has no account, so the node's mode (seed) answers: this client sees only the status
            assertThat(cmc.path("wrongKey").asText()).contains("Status code was 404");
            assertThat(cmc.path("seedTemplateMissing").asText()).contains("Status code was 404");

            JsonNode ncm = r.path("node-capmonster"); // errorStatus seed: it reads 4xx bodies
            assertThat(ncm.path("balance").asDouble()).as(ncm.toString()).isEqualTo(10.0);
            assertThat(ncm.path("token").asText()).startsWith("test-");
            assertThat(ncm.path("unsolvable").asText()).startsWith("[ERROR_CAPTCHA_UNSOLVABLE] ");
            assertThat(ncm.path("wrongKey").asText()).startsWith("[ERROR_KEY_DOES_NOT_EXIST] ");

            JsonNode ac = r.path("anticaptcha"); // errorStatus 200
            assertThat(ac.path("token").asText()).as(ac.toString()).startsWith("test-");
            assertThat(ac.path("balance").asDouble()).isLessThan(10.0);
            assertThat(ac.path("queueBid").asText()).isEqualTo("0.00075");
            assertThat(ac.path("queueTotal").asInt()).isEqualTo(1000);
            assertThat(ac.path("badPort").asText()).isEqualTo("ERROR_INVALID_PROXY_PORT");
            // in seed mode a failed task's 403 reaches it only as its description, without the code
            assertThat(ac.path("seedUnsolvable").asText()).isEqualTo("Failed to solve the CAPTCHA challenge");

            JsonNode aco = r.path("anticaptchaofficial"); // errorStatus 200; it sends "data":""
            assertThat(aco.path("token").asText()).as(aco.toString()).startsWith("test-");
            assertThat(aco.path("unsolvable").asText()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
            // in seed mode axios throws on the 403 before the client reads the code
            assertThat(aco.path("seedUnsolvable").asText()).isEqualTo("Request failed with status code 403");
        }
    }

    /** The pinned clients in e2e/target/npm-clients, installed with npm unless already there. */
    private static Path install() throws IOException, InterruptedException {
        for (String tool : List.of("node", "npm")) {
            if (!onPath(tool)) {
                if (Repo.ci()) {
                    throw new IllegalStateException(tool + " is missing; run .ci/browser.sh");
                }
                Assumptions.abort(tool + " is not installed (.ci/browser.sh installs it)");
            }
        }
        Path source = Repo.root().resolve("e2e/clients");
        Path dir = Repo.root().resolve("e2e/target/npm-clients");
        Files.createDirectories(dir);
        Files.copy(source.resolve("package.json"), dir.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(source.resolve("clients.js"), dir.resolve("clients.js"), StandardCopyOption.REPLACE_EXISTING);
        JsonNode wanted = JSON.readTree(source.resolve("package.json").toFile()).path("dependencies");
        boolean installed = true;
        for (var dep : wanted.properties()) {
            Path pkg = dir.resolve("node_modules").resolve(dep.getKey()).resolve("package.json");
            installed &= Files.isRegularFile(pkg)
                    && JSON.readTree(pkg.toFile())
                            .path("version")
                            .asText()
                            .equals(dep.getValue().asText());
        }
        if (!installed) {
            Process npm = new ProcessBuilder("npm", "install", "--no-package-lock", "--no-audit", "--no-fund")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("npm-install.log").toFile())
                    .start();
            assertThat(npm.waitFor(5, TimeUnit.MINUTES)).isTrue();
            if (npm.exitValue() != 0) {
                String log = Files.readString(dir.resolve("npm-install.log"));
                if (!Repo.ci()) {
                    Assumptions.abort("npm install failed (offline?): " + log);
                }
                throw new IllegalStateException("npm install failed: " + log);
            }
        }
        return dir;
    }

    private static Map<String, String> database(String which) {
        String name = "npm" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (which.equals("h2")) {
            return Map.of("SOLVEGATE_DB_URL", "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1" + Config.H2_OPTIONS);
        }
        String base = System.getenv().getOrDefault("SOLVEGATE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getenv().getOrDefault("SOLVEGATE_TEST_PG_USER", "postgres");
        try (Connection c = DriverManager.getConnection(base, user, null)) {
            c.createStatement().execute("CREATE SCHEMA " + name);
        } catch (java.sql.SQLException e) {
            if (Repo.ci()) {
                throw new IllegalStateException("PostgreSQL must be reachable under CI: " + base, e);
            }
            Assumptions.abort("PostgreSQL unreachable at " + base);
        }
        return Map.of("SOLVEGATE_DB_URL", base + "?currentSchema=" + name, "SOLVEGATE_DB_USER", user);
    }

    /** A funded account (errorStatus {@code mode}, or the node's when null) and its balance key. */
    private static String key(String admin, String mode) throws IOException, InterruptedException {
        long id = call(admin, "POST", "/admin/accounts", "{\"name\":\"npm\",\"price\":\"0.00075\"}")
                .path("id")
                .asLong();
        call(admin, "POST", "/admin/accounts/" + id + "/credits", "{\"amount\":\"10\",\"reason\":\"e2e\"}");
        if (mode != null) {
            call(admin, "PATCH", "/admin/accounts/" + id, "{\"errorStatus\":\"" + mode + "\"}");
        }
        return call(admin, "POST", "/admin/accounts/" + id + "/keys", "{}")
                .path("clientKey")
                .asText();
    }

    private static String template(String admin, String settings) throws IOException, InterruptedException {
        String pk = UUID.randomUUID().toString();
        ObjectNode body = JSON.createObjectNode().put("solver", "test");
        body.set("settings", JSON.readTree(settings));
        call(admin, "PUT", "/admin/templates/" + pk, body.toString());
        return pk;
    }

    private static JsonNode call(String admin, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(admin + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
