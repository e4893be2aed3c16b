package dev.solvegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.solvegate.proxy.testing.ProxyProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/solver-plugin as its README tells a stranger: built with Maven on its own (against the solver-spi
 * and solver-testkit this build installed), dropped into SOLVEGATE_PLUGINS, listed by {@code ./solvegate
 * solvers}, loaded by {@code ./solvegate serve}, named by a template set through the admin API, and solving a
 * task that travels through a real proxy (tinyproxy) to a site this test serves. Once on H2, once on
 * PostgreSQL in a fresh schema.
 */
class ExamplePluginProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PG_BASE = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final Pattern LISTENING = Pattern.compile("public API on :(\\d+), admin API on [^:]+:(\\d+)");

    @TempDir
    static Path work;

    private static Path plugins;
    private static HttpServer site;
    private static final AtomicInteger challenges = new AtomicInteger();
    private static ProxyProcess proxy;

    private final List<String> out = new CopyOnWriteArrayList<>();
    private Process serve;
    private String schema;

    @BeforeAll
    static void buildThePluginStartTheSiteAndTheProxy() throws Exception {
        Path root = Repo.root();
        Path project = work.resolve("example");
        copyProject(root.resolve("examples/solver-plugin"), project);
        List<String> mvn = new ArrayList<>(List.of("mvn", "-B", "-q", "package"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            mvn.add("-Dmaven.repo.local=" + repo);
        }
        ProcessBuilder pb = new ProcessBuilder(mvn).directory(project.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectOutput(work.resolve("example-build.log").toFile());
        Process build = pb.start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES))
                .as("mvn package of the example")
                .isTrue();
        assertThat(build.exitValue())
                .as("mvn package of the example: %s", Files.readString(work.resolve("example-build.log")))
                .isZero();

        plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(project.resolve("target/example-solver-1.0.0.jar"), plugins.resolve("example-solver-1.0.0.jar"));

        site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        site.createContext("/challenge", exchange -> {
            String key = exchange.getRequestURI().getRawQuery().replaceFirst("^key=", "");
            byte[] body = ("{\"token\":\"e2e-" + key + "-" + challenges.incrementAndGet() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (var o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        site.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        site.start();
        proxy = ProxyProcess.tinyproxy(work, List.of("me"), List.of("secret"));
    }

    @AfterAll
    static void stopSiteAndProxy() {
        if (proxy != null) {
            proxy.close();
        }
        if (site != null) {
            site.stop(0);
        }
    }

    @Test
    void solvesCommandListsThePluginWithItsJarVersionAndSpiVersion() throws Exception {
        Process p = launcher(List.of("solvers"), Map.of(), true);
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text.lines().filter(l -> l.startsWith("example ")))
                .singleElement()
                .satisfies(l -> assertThat(l.split("\\s+"))
                        .containsExactly("example", "example-solver-1.0.0.jar", "1.0.0", "1.0"));
        assertThat(text).contains("test ", "puzzle ");
    }

    @Test
    void aPluginThatCannotLoadStopsServeWithOneLineNamingTheJarAndTheReason() throws Exception {
        Path bad = Files.createDirectories(work.resolve("bad-plugins"));
        Files.copy(plugins.resolve("example-solver-1.0.0.jar"), bad.resolve("example-solver-1.0.0.jar"));
        Files.writeString(bad.resolve("half-copied.jar"), "not a zip");

        Process p = launcher(List.of("serve"), Map.of("SOLVEGATE_PLUGINS", bad.toString()), true);
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(p.exitValue()).as(text).isEqualTo(1);
        assertThat(text.lines().filter(l -> !l.isBlank() && !l.matches("\\[[0-9.]+s]\\[.*")))
                .as("everything serve printed, but the JVM's own log lines (the class-data archive's)")
                .containsExactly(
                        "solvegate: cannot start: SOLVEGATE_PLUGINS: half-copied.jar: not a jar (zip END header not found)");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aTemplateNamingThePluginSolvesATaskThroughARealProxyOnH2() throws Exception {
        templateAndTask(Map.of());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aTemplateNamingThePluginSolvesATaskThroughARealProxyOnPostgres() throws Exception {
        schema = "e2e" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG_BASE, "postgres", null)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            schema = null;
            if (Repo.ci()) {
                throw new IllegalStateException("PostgreSQL must be reachable under CI at " + PG_BASE, e);
            }
            System.err.println("NOTICE: PostgreSQL at " + PG_BASE + " is unreachable; skipping");
            Assumptions.abort("PostgreSQL unreachable at " + PG_BASE);
        }
        templateAndTask(Map.of(
                "SOLVEGATE_DB_URL", PG_BASE + "?currentSchema=" + schema,
                "SOLVEGATE_DB_USER", "postgres",
                "SOLVEGATE_DB_PASSWORD", ""));
    }

    private void templateAndTask(Map<String, String> db) throws Exception {
        String adminToken = UUID.randomUUID().toString();
        Map<String, String> env = new HashMap<>(db);
        env.put("SOLVEGATE_ADMIN_TOKEN", adminToken);
        serve = launcher(List.of("serve"), env, false);
        Thread.ofPlatform().daemon().name("serve-stdout").start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    out.add(l);
                }
            } catch (IOException e) {
                // ended
            }
        });
        await("serve to listen")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> listening() != null || !serve.isAlive());
        Matcher ports = listening();
        assertThat(ports).as("serve's output: %s", out).isNotNull();
        String api = "http://127.0.0.1:" + ports.group(1);
        String admin = "http://127.0.0.1:" + ports.group(2);

        JsonNode solvers = call("GET", admin + "/admin/solvers", adminToken, null);
        assertThat(solvers.path("solvers").findValuesAsText("id")).contains("example", "test", "puzzle");
        JsonNode example = find(solvers.path("solvers"), "example");
        assertThat(example.path("jar").asText()).isEqualTo("example-solver-1.0.0.jar");
        assertThat(example.path("version").asText()).isEqualTo("1.0.0");
        assertThat(example.path("spi").asText()).isEqualTo("1.0");

        long account = call("POST", admin + "/admin/accounts", adminToken, "{\"name\":\"plugin-e2e\"}")
                .path("id")
                .asLong();
        call(
                "POST",
                admin + "/admin/accounts/" + account + "/credits",
                adminToken,
                "{\"amount\":\"10\",\"reason\":\"e2e\"}");
        String clientKey = call("POST", admin + "/admin/accounts/" + account + "/keys", adminToken, "{}")
                .path("clientKey")
                .asText();
        String publicKey = UUID.randomUUID().toString();
        String siteUrl = "http://127.0.0.1:" + site.getAddress().getPort() + "/";

        HttpResponse<String> refused = send(
                "PUT",
                admin + "/admin/templates/" + publicKey,
                adminToken,
                "{\"solver\":\"example\",\"settings\":{\"siteUrl\":\"ftp://x\"}}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("field").asText()).isEqualTo("settings");
        assertThat(JSON.readTree(refused.body()).path("error").asText())
                .contains("siteUrl must be an absolute http(s) URL ending in /: ftp://x");

        call(
                "PUT",
                admin + "/admin/templates/" + publicKey,
                adminToken,
                "{\"solver\":\"example\",\"settings\":{\"siteUrl\":\"" + siteUrl + "\"}}");

        String task = "{\"clientKey\":\"" + clientKey + "\",\"task\":{\"type\":\"FunCaptchaTask\",\"websiteURL\":\""
                + siteUrl + "\",\"websitePublicKey\":\"" + publicKey + "\",\"websiteSubdomain\":\"127.0.0.1\","
                + "\"proxy\":\"http://me:secret@127.0.0.1:" + proxy.port() + "\"}}";
        JsonNode created = call("POST", api + "/createTask", null, task);
        assertThat(created.path("errorId").asInt()).as(created.toString()).isZero();
        long taskId = created.path("taskId").asLong();

        JsonNode[] result = new JsonNode[1];
        await("the task to end")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    result[0] = call(
                            "POST",
                            api + "/getTaskResult",
                            null,
                            "{\"clientKey\":\"" + clientKey + "\",\"taskId\":" + taskId + "}");
                    return !"processing".equals(result[0].path("status").asText());
                });
        assertThat(result[0].path("status").asText()).as(result[0].toString()).isEqualTo("ready");
        assertThat(result[0].path("solution").path("token").asText()).startsWith("e2e-" + publicKey + "-");

        String metrics = send("GET", admin + "/metrics", null, null).body();
        assertThat(metrics)
                .containsPattern(
                        "solvegate_solver_info\\{[^}]*id=\"example\"[^}]*jar=\"example-solver-1.0.0.jar\"[^}]*} 1")
                .containsPattern("solvegate_solve_duration_seconds_count\\{[^}]*solver=\"example\"[^}]*} 1");
    }

    private Matcher listening() {
        for (String l : out) {
            Matcher m = LISTENING.matcher(l);
            if (m.find()) {
                return m;
            }
        }
        return null;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (serve != null) {
            Repo.stopTree(serve, Duration.ofSeconds(30));
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(PG_BASE, "postgres", null)) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            } catch (SQLException e) {
                System.err.println("could not drop schema " + schema + ": " + e);
            }
        }
    }

    /**
     * {@code ./solvegate <args>} from the repository root, with the plugin folder and random ports; stderr goes
     * with stdout when {@code merged}, else to a file in the work folder.
     */
    private static Process launcher(List<String> args, Map<String, String> extra, boolean merged) throws IOException {
        Path root = Repo.root();
        assertThat(Repo.newerThanJar(root))
                .as(
                        "server/target/solvegate.jar must be newer than every source (build first: mvn install -DskipTests)")
                .isEmpty();
        List<String> command = new ArrayList<>(List.of("./solvegate"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SOLVEGATE_"));
        env.put("SOLVEGATE_DATA_DIR", work.resolve("data-" + UUID.randomUUID()).toString());
        env.put("SOLVEGATE_PORT", "0");
        env.put("SOLVEGATE_ADMIN_PORT", "0");
        env.put("SOLVEGATE_PLUGINS", plugins.toString());
        env.put("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true");
        env.putAll(extra);
        pb.redirectErrorStream(merged);
        if (!merged) {
            pb.redirectError(work.resolve("serve-" + UUID.randomUUID() + ".err").toFile());
        }
        return pb.start();
    }

    private static JsonNode find(JsonNode array, String id) {
        for (JsonNode n : array) {
            if (n.path("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no solver " + id + " in " + array);
    }

    private static JsonNode call(String method, String url, String token, String body) throws Exception {
        HttpResponse<String> r = send(method, url, token, body);
        assertThat(r.statusCode() / 100)
                .as("%s %s: %s %s", method, url, r.statusCode(), r.body())
                .isEqualTo(2);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> send(String method, String url, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Copies the example's sources (not its target/), as a stranger's checkout would have them. */
    private static void copyProject(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path rel = from.relativize(p);
                if (rel.toString().startsWith("target")) {
                    continue;
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
