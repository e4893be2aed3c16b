package dev.solvegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./solvegate demo} as a person runs it: a real process from the repository root, driven only by the
 * curl commands it prints. The puzzle task is solved through the demo's proxy, and the token verifies at the
 * site once.
 */
class DemoProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    private final List<String> out = new CopyOnWriteArrayList<>();
    private Process demo;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void printedCurlsSolveThePuzzleAndTheTokenVerifiesOnce() throws Exception {
        Path root = Repo.root();
        assertThat(Repo.newerThanJar(root))
                .as(
                        "server/target/solvegate.jar must be newer than every source, or ./solvegate would rebuild mid-test;"
                                + " build first (mvn install -DskipTests)")
                .isEmpty();
        demo = start(root);

        await("the demo's printed curls")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> out.contains("solvegate demo: ready (Ctrl-C stops it)") || !demo.isAlive());
        assertThat(demo.isAlive())
                .as("demo exited early; stdout: %s; stderr in %s", out, data.resolve("demo.err"))
                .isTrue();
        assertThat(String.join("\n", out)).contains("SOLVEGATE_PROXY_ALLOW_PRIVATE=true");

        JsonNode created = run(line("/createTask"));
        assertThat(created.path("errorId").asInt()).as(created.toString()).isZero();
        long taskId = created.path("taskId").asLong();
        assertThat(taskId).isPositive();

        JsonNode[] result = new JsonNode[1];
        await("the task to end")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    result[0] = run(line("/getTaskResult").replace("<taskId>", Long.toString(taskId)));
                    return !"processing".equals(result[0].path("status").asText());
                });
        assertThat(result[0].path("status").asText()).as(result[0].toString()).isEqualTo("ready");
        assertThat(result[0].path("solveCount").asInt()).isEqualTo(1);
        String token = result[0].path("solution").path("token").asText();
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

        String verify = line("/api/verify").replace("<token>", token);
        JsonNode first = run(verify);
        JsonNode second = run(verify);
        assertThat(first.path("valid").asBoolean()).as(first.toString()).isTrue();
        assertThat(second.path("valid").asBoolean()).as(second.toString()).isFalse();
        assertThat(second.path("reason").asText()).contains("already been used");

        JsonNode facts = JSON.readTree(Files.readString(data.resolve("demo.json")));
        assertThat(line("/createTask"))
                .contains(
                        facts.path("clientKey").asText(),
                        facts.path("websitePublicKey").asText(),
                        facts.path("proxy").asText());
        assertThat(first.path("publicKey").asText())
                .isEqualTo(facts.path("websitePublicKey").asText());
        assertThat(facts.path("testTemplates").size()).isEqualTo(6);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (demo != null) {
            boolean wasRunning = demo.isAlive();
            Repo.stopTree(demo, Duration.ofSeconds(30));
            assertThat(demo.isAlive()).isFalse();
            if (wasRunning) {
                await("the shutdown line")
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> out.contains("solvegate demo: stopping"));
            }
        }
    }

    private Process start(Path root) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("./solvegate", "demo").directory(root.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SOLVEGATE_"));
        env.put("SOLVEGATE_DATA_DIR", data.toString());
        env.put("SOLVEGATE_PORT", "0");
        env.put("SOLVEGATE_ADMIN_PORT", "0");
        env.put("SOLVEGATE_DEMO_SITE_PORT", "0");
        env.put("SOLVEGATE_DEMO_PROXY_PORT", "0");
        pb.redirectError(data.resolve("demo.err").toFile());
        Process p = pb.start();
        Thread.ofPlatform().daemon().name("demo-stdout").start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    out.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        return p;
    }

    /** The one printed curl command line whose URL contains {@code path}. */
    private String line(String path) {
        List<String> lines = out.stream()
                .filter(l -> l.startsWith("curl ") && l.contains(path + " "))
                .toList();
        assertThat(lines).as("printed curl for %s in %s", path, out).hasSize(1);
        return lines.getFirst();
    }

    /** Runs a printed command line as printed, with bash, and reads its output as JSON. */
    private static JsonNode run(String commandLine) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", commandLine)
                .redirectErrorStream(true)
                .start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit of %s: %s", commandLine, text).isZero();
        return JSON.readTree(text);
    }
}
