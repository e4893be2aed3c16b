package dev.solvegate.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.support.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Helpers for engine tests: templates, createTask, waiting for the end, and reading the books. */
final class Tasks {

    private Tasks() {}

    /** A proxy string for a proxy on 127.0.0.1 (tests run with SOLVEGATE_PROXY_ALLOW_PRIVATE=true). */
    static String proxy(int port) {
        return "http://user:pass@127.0.0.1:" + port;
    }

    /** A port nothing listens on (bound, then released). */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new template for the {@code test} solver; returns its public key. */
    static String template(TestNode n, String settingsJson) {
        String publicKey = UUID.randomUUID().toString();
        n.template(publicKey, "test", settingsJson);
        return publicKey;
    }

    static ObjectNode createBody(String key, String publicKey, String proxy, String callbackUrl) {
        ObjectNode body = TestNode.obj().put("clientKey", key);
        body.putObject("task")
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/login")
                .put("websitePublicKey", publicKey)
                .put("websiteSubdomain", "challenge.example.org")
                .put("proxy", proxy);
        if (callbackUrl != null) {
            body.put("callbackUrl", callbackUrl);
        }
        return body;
    }

    /** Creates a task and insists it was accepted; returns its id. */
    static long create(TestNode n, String key, String publicKey, String proxy) {
        return create(n, key, publicKey, proxy, null);
    }

    static long create(TestNode n, String key, String publicKey, String proxy, String callbackUrl) {
        TestNode.Reply r = n.post("/createTask", createBody(key, publicKey, proxy, callbackUrl));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().path("errorId").asInt()).as(r.raw()).isZero();
        return r.json().path("taskId").asLong();
    }

    static TestNode.Reply result(TestNode n, String key, long id) {
        return n.post("/getTaskResult", TestNode.obj().put("clientKey", key).put("taskId", id));
    }

    /** Waits until the task is no longer processing and returns its getTaskResult body. */
    static JsonNode awaitEnded(TestNode n, String key, long id, Duration max) {
        return await().atMost(max)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> result(n, key, id).json(), j -> !"processing"
                        .equals(j.path("status").asText()));
    }

    static long micros(JsonNode amount) {
        return Money.parse(amount.asText());
    }

    /** A Jdbi over plain connections to {@code url} (no pool; for checks from the test). */
    static Jdbi jdbi(String url, String user) {
        return Jdbi.create(() -> java.sql.DriverManager.getConnection(url, user, null));
    }

    static long ledgerSum(Jdbi jdbi, long account) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE account_id = :a")
                .bind("a", account)
                .mapTo(Long.class)
                .one());
    }

    static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /** Balance, held and in-flight of an account as the admin API shows them, with the ledger's sum. */
    record Books(long balance, long held, int inFlight, long ledger) {}

    static Books books(TestNode n, long account) {
        JsonNode a = n.accountView(account);
        return new Books(
                micros(a.get("balance")),
                micros(a.get("held")),
                a.get("inFlight").asInt(),
                ledgerSum(n.node().database().jdbi(), account));
    }
}
