package dev.solvegate.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.support.OwnPostgres;
import dev.solvegate.server.support.TcpForwarder;
import dev.solvegate.server.support.TestNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults survived under load, against a PostgreSQL of the test's own: the database killed with SIGKILL and
 * restarted; the node's backends terminated mid-admission and mid-settlement; a relay between node and database
 * that delays, drops silently and resets; a transaction left open that holds back vacuum while tasks flow. Every
 * run ends with every task ended once, each balance equal to its ledger's sum, nothing held and nothing in flight.
 *
 * <p>CI runs short versions (about 15 s of load each). {@code -Dsolvegate.faults.long=true} ({@code bench/run
 * --faults}) runs long ones: a minute of load around each fault and the open transaction for five minutes.
 * Each run appends its figures to {@code target/fault-report.txt}.
 */
class FaultSuiteTest {

    static final boolean LONG = Boolean.getBoolean("solvegate.faults.long");

    private static OwnPostgres pg;

    @BeforeAll
    static void database() {
        pg = OwnPostgres.create();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    /** A fresh schema in the test's own PostgreSQL. */
    private static String freshUrl() throws Exception {
        String schema = "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return pg.url() + "?currentSchema=" + schema;
    }

    private static Duration phase(int seconds) {
        return Duration.ofSeconds(LONG ? seconds * 6L : seconds);
    }

    @Test
    void theDatabaseKilledWithSigkillAndRestartedUnderLoad() throws Exception {
        String url = freshUrl();
        Jdbi jdbi = FaultLoad.jdbi(url, pg.user());
        try (TestNode node = TestNode.start(url, pg.user(), FaultLoad.ENV)) {
            FaultLoad load = new FaultLoad(node, 8);
            load.start();
            Thread.sleep(phase(4).toMillis());
            int before = load.accepted().size();
            pg.crashAndRestart(Duration.ofSeconds(2));
            Thread.sleep(phase(6).toMillis());
            load.stop();
            assertThat(load.accepted().size())
                    .as("tasks were accepted after the restart")
                    .isGreaterThan(before);
            load.checkBooks("postgres SIGKILL + restart", jdbi, Duration.ofSeconds(60));
        }
    }

    @Test
    void backendsTerminatedMidAdmissionAndMidSettlement() throws Exception {
        String url = freshUrl();
        Jdbi jdbi = FaultLoad.jdbi(url, pg.user());
        Map<String, AtomicLong> killed = new ConcurrentHashMap<>();
        try (TestNode node = TestNode.start(url, pg.user(), FaultLoad.ENV)) {
            FaultLoad load = new FaultLoad(node, 8);
            load.start();
            Thread.sleep(1000);
            AtomicBoolean killing = new AtomicBoolean(true);
            Thread killer = Thread.ofPlatform().name("backend-killer").start(() -> {
                try (Connection c = pg.connect();
                        Statement s = c.createStatement()) {
                    while (killing.get()) {
                        // a backend inside a transaction: between its statements, or on a statement of admission
                        // (locking the account or package, holding, inserting) or of settlement (locking and ending
                        // the task)
                        for (String which : new String[] {ADMISSION, SETTLEMENT}) {
                            try (ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid), query"
                                    + " FROM pg_stat_activity WHERE application_name = 'solvegate'"
                                    + " AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
                                    + " AND (" + which + ") ORDER BY random() LIMIT 1")) {
                                while (rs.next()) {
                                    killed.computeIfAbsent(kind(rs.getString(2)), k -> new AtomicLong())
                                            .incrementAndGet();
                                }
                            }
                        }
                        Thread.sleep(15);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(phase(10).toMillis());
            killing.set(false);
            killer.join();
            Thread.sleep(1000);
            load.stop();
            long admissions = killed.getOrDefault("admission", new AtomicLong()).get();
            long settlements =
                    killed.getOrDefault("settlement", new AtomicLong()).get();
            assertThat(admissions)
                    .as("backends terminated mid-admission " + killed)
                    .isPositive();
            assertThat(settlements)
                    .as("backends terminated mid-settlement " + killed)
                    .isPositive();
            load.checkBooks("pg_terminate_backend " + killed, jdbi, Duration.ofSeconds(60));
        }
    }

    /**
     * Backends on (or just after, inside their transaction) a statement of admission: on PostgreSQL the one call of
     * {@code solvegate_admit} (locking, holding and inserting inside it), and the Java transaction's statements
     * (locking the package or the account, taking the slot, holding, inserting the task), which its error paths
     * may still run.
     */
    static final String ADMISSION = "query LIKE '%FROM solvegate_admit(%'"
            + " OR query LIKE '%FROM accounts WHERE id = $1 FOR UPDATE%'"
            + " OR query LIKE '%FROM packages WHERE id = $1 FOR UPDATE%' OR query LIKE 'UPDATE accounts SET held = held +%'"
            + " OR query LIKE 'INSERT INTO tasks%'";

    /** Backends on (or just after) a statement of settlement: locking the task for its end, ending it, billing. */
    static final String SETTLEMENT = "query LIKE 'UPDATE tasks SET status = $1%'"
            + " OR (query LIKE '%solve_count, request%FOR UPDATE%') OR query LIKE 'INSERT INTO ledger%'"
            + " OR query LIKE 'UPDATE accounts SET held = held -%'";

    /** What a terminated backend was doing, from the text of its last statement. */
    static String kind(String query) {
        String q = query == null ? "" : query.strip();
        if (q.startsWith("INSERT INTO tasks")
                || q.contains("FROM solvegate_admit(")
                || q.contains("FROM accounts WHERE id = $1 FOR UPDATE")
                || q.contains("FROM packages WHERE id = $1 FOR UPDATE")
                || q.startsWith("UPDATE accounts SET held = held +")
                || q.startsWith("UPDATE packages SET in_flight = in_flight + 1")
                || q.startsWith("UPDATE accounts SET in_flight = in_flight + 1")) {
            return "admission";
        }
        if (q.startsWith("UPDATE tasks SET status = $1")
                || (q.contains("FROM tasks") && q.contains("FOR UPDATE") && q.contains("solve_count"))
                || q.startsWith("UPDATE accounts SET held = held -")
                || q.contains("in_flight = in_flight - 1")
                || q.startsWith("INSERT INTO ledger")) {
            return "settlement";
        }
        return "other";
    }

    @Test
    void aRelayThatDelaysDropsSilentlyAndResets() throws Exception {
        String url = freshUrl();
        Jdbi jdbi = FaultLoad.jdbi(url, pg.user());
        try (TcpForwarder relay = new TcpForwarder("127.0.0.1", pg.port());
                TestNode node = TestNode.start(
                        url.replace(":" + pg.port() + "/", ":" + relay.port() + "/"), pg.user(), FaultLoad.ENV)) {
            FaultLoad load = new FaultLoad(node, 8);
            load.start();
            Thread.sleep(phase(2).toMillis());
            relay.delay(200);
            Thread.sleep(phase(3).toMillis());
            relay.restore();
            Thread.sleep(phase(2).toMillis());
            relay.blackhole();
            Thread.sleep(phase(3).toMillis());
            relay.restore();
            Thread.sleep(phase(2).toMillis());
            relay.reset();
            Thread.sleep(500);
            relay.restore();
            Thread.sleep(phase(3).toMillis());
            load.stop();
            load.checkBooks("relay delay 200 ms, blackhole, reset", jdbi, Duration.ofSeconds(60));
        }
    }

    @Test
    void aTransactionLeftOpenHoldsBackVacuumWhileTasksFlow() throws Exception {
        String url = freshUrl();
        Jdbi jdbi = FaultLoad.jdbi(url, pg.user());
        Duration open = LONG ? Duration.ofMinutes(5) : Duration.ofSeconds(15);
        Map<String, String> env = new java.util.HashMap<>(FaultLoad.ENV);
        env.put("SOLVEGATE_RESULT_TTL", "1s"); // ended tasks are deleted at once: dead rows pile up behind it
        try (TestNode node = TestNode.start(url, pg.user(), env);
                Connection holder = FaultLoad.connect(url, pg.user())) {
            FaultLoad load = new FaultLoad(node, 8);
            holder.setAutoCommit(false);
            holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT COUNT(*) FROM tasks").close(); // a snapshot, and a lock on the table
            }
            load.start();
            long start = System.nanoTime();
            Thread.sleep(open.toMillis());
            long acceptedWhileOpen = load.accepted().size();
            long dead = FaultLoad.count(
                    jdbi, "SELECT COALESCE(SUM(n_dead_tup), 0) FROM pg_stat_user_tables WHERE relname = 'tasks'");
            holder.commit();
            Thread.sleep(2000);
            load.stop();
            double perSecond = acceptedWhileOpen / ((System.nanoTime() - start) / 1e9);
            String line = load.checkBooks(
                    "transaction open for " + open.toSeconds() + " s (" + String.format("%.0f", perSecond)
                            + " tasks/s accepted meanwhile, " + dead + " dead task rows it kept from vacuum)",
                    jdbi,
                    Duration.ofSeconds(60),
                    true);
            assertThat(acceptedWhileOpen).as(line).isPositive();
        }
    }
}
