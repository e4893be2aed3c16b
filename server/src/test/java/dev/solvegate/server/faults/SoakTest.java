package dev.solvegate.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.support.OwnPostgres;
import dev.solvegate.server.support.TcpForwarder;
import dev.solvegate.server.support.TestNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The soak: mixed load for a long time (30 minutes by default) against a node on a PostgreSQL of the test's own
 * behind a relay, with a fault every minute in turn — relay delay, silent drop, reset, backends terminated, the
 * database killed and restarted — and the books checked at the end. Not part of CI: {@code bench/run --soak}
 * ({@code -Dsolvegate.soak=30m}; {@code --soak=5m} for a shorter one). Figures go to {@code
 * target/fault-report.txt}.
 */
class SoakTest {

    @Test
    void mixedLoadWithFaultsForAsLongAsAsked() throws Exception {
        String asked = System.getProperty("solvegate.soak");
        Assumptions.assumeTrue(asked != null && !asked.isBlank(), "a soak runs only when asked (bench/run --soak)");
        Duration total = parse(asked);
        try (OwnPostgres pg = OwnPostgres.create();
                TcpForwarder relay = new TcpForwarder("127.0.0.1", pg.port())) {
            String url = pg.url();
            Jdbi jdbi = FaultLoad.jdbi(url, pg.user());
            Map<String, String> env = new HashMap<>(FaultLoad.ENV);
            env.put("SOLVEGATE_RESULT_TTL", "24h"); // every task of the run is still there for the books
            try (TestNode node =
                    TestNode.start(url.replace(":" + pg.port() + "/", ":" + relay.port() + "/"), pg.user(), env)) {
                FaultLoad load = new FaultLoad(node, 8);
                load.start();
                long end = System.nanoTime() + total.toNanos();
                List<String> faults = new ArrayList<>();
                for (int round = 0; System.nanoTime() < end; round++) {
                    FaultLoad.sleep(Math.min(45_000, Math.max(0, (end - System.nanoTime()) / 1_000_000)));
                    if (System.nanoTime() >= end) {
                        break;
                    }
                    String fault =
                            switch (round % 5) {
                                case 0 -> {
                                    relay.delay(200);
                                    FaultLoad.sleep(10_000);
                                    relay.restore();
                                    yield "relay delay 200 ms for 10 s";
                                }
                                case 1 -> {
                                    relay.blackhole();
                                    FaultLoad.sleep(5_000);
                                    relay.restore();
                                    yield "silent drop for 5 s";
                                }
                                case 2 -> {
                                    relay.reset();
                                    FaultLoad.sleep(500);
                                    relay.restore();
                                    yield "reset";
                                }
                                case 3 -> "backends terminated: " + terminate(pg, Duration.ofSeconds(10));
                                default -> {
                                    pg.crashAndRestart(Duration.ofSeconds(2));
                                    yield "database SIGKILL and restart";
                                }
                            };
                    faults.add(fault);
                }
                load.stop();
                String line = load.checkBooks(
                        "soak " + total.toMinutes() + " min, " + faults.size() + " faults " + faults,
                        jdbi,
                        Duration.ofSeconds(180));
                assertThat(load.accepted()).as(line).isNotEmpty();
            }
        }
    }

    /** Terminates the node's backends inside transactions for {@code d}; how many. */
    private static int terminate(OwnPostgres pg, Duration d) throws Exception {
        int n = 0;
        long end = System.nanoTime() + d.toNanos();
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            while (System.nanoTime() < end) {
                try (var rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE application_name = 'solvegate' AND pid <> pg_backend_pid()"
                        + " AND state IN ('active', 'idle in transaction') ORDER BY random() LIMIT 1")) {
                    while (rs.next()) {
                        n++;
                    }
                }
                Thread.sleep(50);
            }
        }
        return n;
    }

    static Duration parse(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("true")) {
            return Duration.ofMinutes(30);
        }
        long n = Long.parseLong(t.replaceAll("[^0-9]", ""));
        return t.endsWith("s") ? Duration.ofSeconds(n) : t.endsWith("h") ? Duration.ofHours(n) : Duration.ofMinutes(n);
    }
}
