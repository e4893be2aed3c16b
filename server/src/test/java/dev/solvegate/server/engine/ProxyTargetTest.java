package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.awaitEnded;
import static dev.solvegate.server.engine.Tasks.books;
import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A template's {@code target} is dialled through the task's proxy before the solver runs, here through a
 * real third-party SOCKS5 proxy (microsocks, installed by {@code .ci/proxies.sh}).
 */
class ProxyTargetTest {

    static final Duration MAX = Duration.ofSeconds(10);

    static Process microsocks;
    static int proxyPort;
    static ServerSocket target;
    static final AtomicInteger targetConnections = new AtomicInteger();
    static TestNode node;
    static long account;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        Path bin = Path.of("/usr/bin/microsocks");
        if (!Files.isExecutable(bin)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("microsocks is missing; run .ci/proxies.sh");
            }
            Assumptions.abort("microsocks is not installed (.ci/proxies.sh)");
        }
        proxyPort = Tasks.closedPort();
        microsocks = new ProcessBuilder(
                        bin.toString(),
                        "-i",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(proxyPort),
                        "-u",
                        "user",
                        "-P",
                        "pass")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        await().atMost(MAX).ignoreExceptions().until(() -> {
            new Socket(InetAddress.getLoopbackAddress(), proxyPort).close();
            return true;
        });
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!target.isClosed()) {
                try {
                    Socket s = target.accept();
                    targetConnections.incrementAndGet();
                    s.close();
                } catch (IOException e) {
                    return;
                }
            }
        });
        node = TestNode.start(
                TestDatabase.H2,
                Map.of(
                        "SOLVEGATE_SOLVE_TIMEOUT", "300ms",
                        "SOLVEGATE_TASK_TIMEOUT", "1s",
                        "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"));
        account = node.account(10, "0.5");
        node.credit(account, "5");
        key = node.key(account);
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (target != null) {
            target.close();
        }
        if (microsocks != null) {
            microsocks.destroyForcibly();
        }
    }

    @Test
    void reachableTargetThroughTheProxyLetsTheSolverRun() {
        int before = targetConnections.get();
        String pk = template(node, "{\"outcome\":\"token\",\"target\":\"127.0.0.1:" + target.getLocalPort() + "\"}");
        long id = create(node, key, pk, "socks5://user:pass@127.0.0.1:" + proxyPort);
        JsonNode r = awaitEnded(node, key, id, MAX);
        assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ready");
        await().atMost(MAX)
                .untilAsserted(() -> assertThat(targetConnections.get()).isEqualTo(before + 1));
    }

    @Test
    void wrongProxyPasswordIsProxyConnectionWithoutCharge() {
        String pk = template(node, "{\"outcome\":\"token\",\"target\":\"127.0.0.1:" + target.getLocalPort() + "\"}");
        assertProxyConnectionWithoutCharge(pk, "socks5://user:wrong@127.0.0.1:" + proxyPort);
    }

    @Test
    void unreachableTargetIsProxyConnectionWithoutCharge() {
        String pk = template(node, "{\"outcome\":\"token\",\"target\":\"127.0.0.1:" + Tasks.closedPort() + "\"}");
        assertProxyConnectionWithoutCharge(pk, "socks5://user:pass@127.0.0.1:" + proxyPort);
    }

    private void assertProxyConnectionWithoutCharge(String pk, String proxy) {
        Tasks.Books before = books(node, account);
        long id = create(node, key, pk, proxy);
        JsonNode r = awaitEnded(node, key, id, MAX);
        assertThat(r.path("errorCode").asText()).as(r.toString()).isEqualTo("ERROR_PROXY_CONNECTION");
        assertThat(r.toString()).doesNotContain("wrong").doesNotContain("pass");
        Tasks.Books after = books(node, account);
        assertThat(after.balance()).isEqualTo(before.balance());
        assertThat(after.held()).isZero();
        assertThat(after.ledger()).isEqualTo(after.balance());
    }
}
