package dev.solvegate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solvegate.server.support.TcpForwarder;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL disappears behind a relay we cut, or behind a silent partition (every packet dropped, nothing
 * closed or reset): requests answer ERROR_DATABASE_UNAVAILABLE within 2 s instead of hanging, and the node serves
 * again by itself once the database is back.
 */
class DatabaseOutageTest {

    @Test
    void unreachableDatabaseAnswersFastAndRecovers() throws Exception {
        String url = TestDatabase.POSTGRES.freshUrl();
        URI pg = URI.create(TestDatabase.PG_BASE.substring("jdbc:".length()));
        try (TcpForwarder relay = new TcpForwarder(pg.getHost(), pg.getPort());
                TestNode node = TestNode.start(
                        url.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + relay.port()),
                        TestDatabase.PG_USER,
                        Map.of())) {
            long account = node.account(5, "0.001");
            node.credit(account, "1");
            String key = node.key(account);
            var body = TestNode.obj().put("clientKey", key);
            assertThat(node.post("/getBalance", body).status()).isEqualTo(200);

            relay.cut();
            for (String path : new String[] {"/getBalance", "/createTask", "/getTaskResult"}) {
                long start = System.nanoTime();
                Reply r = node.post(path, body.deepCopy().put("taskId", 1));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(r.errorCode()).as(path + " " + r.raw()).isEqualTo("ERROR_DATABASE_UNAVAILABLE");
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(millis).as("answered within 2 s").isLessThan(2000);
            }
            assertThat(node.get("/readyz", Map.of()).status()).isEqualTo(503);

            relay.restore();
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() ->
                            assertThat(node.post("/getBalance", body).status()).isEqualTo(200));
            assertThat(node.get("/readyz", Map.of()).status()).isEqualTo(200);
        }
    }

    @Test
    void aSilentPartitionAnswersWithinTwoSecondsAndRecovers() throws Exception {
        String url = TestDatabase.POSTGRES.freshUrl();
        URI pg = URI.create(TestDatabase.PG_BASE.substring("jdbc:".length()));
        try (TcpForwarder relay = new TcpForwarder(pg.getHost(), pg.getPort());
                TestNode node = TestNode.start(
                        url.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + relay.port()),
                        TestDatabase.PG_USER,
                        Map.of())) {
            long account = node.account(5, "0.001");
            node.credit(account, "1");
            String key = node.key(account);
            var body = TestNode.obj().put("clientKey", key);
            assertThat(node.post("/getBalance", body).status()).isEqualTo(200);

            relay.blackhole();
            long slowest = 0;
            for (int round = 0; round < 2; round++) { // pooled connections first, then fresh ones
                for (String path : new String[] {"/getBalance", "/createTask", "/getTaskResult"}) {
                    long start = System.nanoTime();
                    Reply r = node.post(path, body.deepCopy().put("taskId", 1));
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertThat(r.errorCode()).as(path + " " + r.raw()).isEqualTo("ERROR_DATABASE_UNAVAILABLE");
                    assertThat(r.status()).isEqualTo(503);
                    assertThat(millis).as(path + ": answered within 2 s").isLessThan(2000);
                    slowest = Math.max(slowest, millis);
                }
            }
            System.out.println("silent partition: slowest ERROR_DATABASE_UNAVAILABLE answer " + slowest + " ms");

            relay.restore();
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() ->
                            assertThat(node.post("/getBalance", body).status()).isEqualTo(200));
        }
    }
}
