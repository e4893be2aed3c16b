package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.awaitEnded;
import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code SOLVEGATE_MAX_ATTEMPTS}: at most that many attempts per task, counted in the database, with pauses that
 * grow; and no retry at all when a real proxy (tinyproxy over HTTP CONNECT, microsocks over SOCKS5) refuses the
 * login, which the same credentials cannot fix.
 *
 * <p>Timing: solve timeout 400 ms (pauses 100 ms, then 200 ms), task deadline 30 s: time never stops a retry here.
 */
class AttemptLimitsTest {

    static final Duration MAX = Duration.ofSeconds(20);

    static final List<Process> proxies = new ArrayList<>();
    static int tinyproxy;
    static int microsocks;
    static TestNode node;
    static String key;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Files.createTempDirectory("attempt-limits");
        tinyproxy = Tasks.closedPort();
        Path conf = dir.resolve("tinyproxy.conf");
        Files.writeString(
                conf,
                "Port " + tinyproxy + "\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nLogLevel Warning\n"
                        + ("root".equals(System.getProperty("user.name")) ? "User nobody\nGroup nogroup\n" : "")
                        + "BasicAuth user pass\n");
        proxies.add(run(dir, "tinyproxy", List.of(binary("tinyproxy"), "-d", "-c", conf.toString()), tinyproxy));
        microsocks = Tasks.closedPort();
        proxies.add(run(
                dir,
                "microsocks",
                List.of(
                        binary("microsocks"),
                        "-i",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(microsocks),
                        "-u",
                        "user",
                        "-P",
                        "pass"),
                microsocks));
        node = TestNode.start(
                TestDatabase.H2,
                Map.of(
                        "SOLVEGATE_SOLVE_TIMEOUT", "400ms",
                        "SOLVEGATE_TASK_TIMEOUT", "30s",
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true",
                        "SOLVEGATE_LEASE", "600ms"));
        long account = node.account(50, "0.5");
        node.credit(account, "20");
        key = node.key(account);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        proxies.forEach(Process::destroyForcibly);
    }

    @Test
    void aRetryableFailureGetsMaxAttemptsWithGrowingPauses() {
        long id = create(node, key, template(node, "{\"outcome\":\"processing-image\"}"), Tasks.proxy(9));
        JsonNode r = awaitEnded(node, key, id, MAX);
        assertThat(r.path("errorCode").asText()).isEqualTo("ERROR_PROCESSING_IMAGE");
        assertThat(solveCount(id)).isEqualTo(3);
        // two pauses, of 100 ms and 200 ms, before the second and third attempts
        assertThat(lived(id)).isGreaterThanOrEqualTo(300).isLessThan(30_000);
    }

    @Test
    void aProxyThatCannotBeReachedIsRetriedUpToMaxAttempts() {
        String pk = template(node, "{\"outcome\":\"token\",\"target\":\"example.org:443\"}");
        long id = create(node, key, pk, Tasks.proxy(Tasks.closedPort()));
        JsonNode r = awaitEnded(node, key, id, MAX);
        assertThat(r.path("errorCode").asText()).isEqualTo("ERROR_PROXY_CONNECTION");
        assertThat(solveCount(id)).isEqualTo(3);
    }

    @Test
    void aProxyThatRefusesTheLoginIsNotRetried() {
        String pk = template(node, "{\"outcome\":\"token\",\"target\":\"example.org:443\"}");
        for (String proxy :
                new String[] {"http://user:wrong@127.0.0.1:" + tinyproxy, "socks5://user:wrong@127.0.0.1:" + microsocks
                }) {
            long id = create(node, key, pk, proxy);
            JsonNode r = awaitEnded(node, key, id, MAX);
            assertThat(r.path("errorCode").asText()).as(proxy).isEqualTo("ERROR_PROXY_CONNECTION");
            assertThat(r.path("errorDescription").asText())
                    .as(proxy)
                    .isEqualTo("Could not connect through the proxy: it refused the credentials");
            assertThat(r.toString()).doesNotContain("wrong");
            assertThat(solveCount(id)).as(proxy).isEqualTo(1);
        }
    }

    @Test
    void anOrphanThatHadAllItsAttemptsIsCancelledNotRequeued() {
        String pk = template(node, "{\"outcome\":\"hang\"}");
        long spent = create(node, key, pk, Tasks.proxy(9));
        long fresh = create(node, key, pk, Tasks.proxy(9));
        Jdbi jdbi = node.node().database().jdbi();
        await().atMost(MAX)
                .until(() -> Tasks.count(
                                jdbi,
                                "SELECT COUNT(*) FROM tasks WHERE status = 'solving' AND id IN (" + spent + "," + fresh
                                        + ")")
                        == 2);
        // as if their node had died: owned by a node without a lease, after 3 and after 1 attempts
        jdbi.useHandle(h -> {
            h.execute("UPDATE tasks SET lease_owner = 'gone', solve_count = 3 WHERE id = " + spent);
            h.execute("UPDATE tasks SET lease_owner = 'gone', solve_count = 1 WHERE id = " + fresh);
        });
        JsonNode r = awaitEnded(node, key, spent, MAX);
        assertThat(r.path("errorCode").asText()).isEqualTo("ERROR_TASK_CANCELLED");
        assertThat(solveCount(spent)).isEqualTo(3);
        await().atMost(MAX).until(() -> solveCount(fresh) >= 2);
        assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'solving' AND id = " + fresh))
                .isEqualTo(1);
    }

    private static long solveCount(long id) {
        return Tasks.count(node.node().database().jdbi(), "SELECT solve_count FROM tasks WHERE id = " + id);
    }

    private static long lived(long id) {
        return Tasks.count(node.node().database().jdbi(), "SELECT ended_at - created_at FROM tasks WHERE id = " + id);
    }

    private static String binary(String name) {
        for (String dir : new String[] {"/usr/bin/", "/usr/sbin/"}) {
            if (Files.isExecutable(Path.of(dir + name))) {
                return dir + name;
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(name + " is missing; run .ci/proxies.sh");
        }
        Assumptions.abort(name + " is not installed (.ci/proxies.sh)");
        return null;
    }

    private static Process run(Path dir, String name, List<String> command, int port) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        await().atMost(MAX).ignoreExceptions().until(() -> {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        });
        return p;
    }
}
