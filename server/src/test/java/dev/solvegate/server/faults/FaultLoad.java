package dev.solvegate.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.support.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Load for the fault suite: client threads creating tasks over real HTTP against one node, as a client of the
 * family would (retrying what the catalogue calls retryable), recording what was accepted; and the books that
 * must balance when the load and every fault are over. Thread-safety: {@link #start} and {@link #stop} from the
 * test thread; the clients run on their own.
 */
final class FaultLoad {

    /** The engine settings of every fault run: short leases and deadlines, so that faults resolve quickly. */
    static final Map<String, String> ENV = Map.of(
            "SOLVEGATE_WORKERS", "64",
            "SOLVEGATE_SOLVE_TIMEOUT", "2s",
            "SOLVEGATE_TASK_TIMEOUT", "10s",
            "SOLVEGATE_LEASE", "2s",
            "SOLVEGATE_PROXY_ALLOW_PRIVATE", "true");

    static final long PRICE = 1000; // 0.001
    static final long CREDIT = 1_000_000_000; // 1000

    private final TestNode node;
    private final int clients;
    private final List<Long> accounts = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<String> templates = new ArrayList<>();
    private final Set<Long> accepted = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong maxMillis = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /** Sets up three accounts (one with a package) and templates for quick outcomes on {@code node}. */
    FaultLoad(TestNode node, int clients) {
        this.node = node;
        this.clients = clients;
        for (int i = 0; i < 3; i++) {
            long account = node.account(100_000, "0.001");
            node.credit(account, "1000");
            accounts.add(account);
            keys.add(
                    i == 2
                            ? node.packageKey(
                                    account, node.pkg(account, 100_000, 1_000_000, 1_000_000, "2099-01-01T00:00:00Z"))
                            : node.key(account));
        }
        for (String settings : new String[] {
            "{\"outcome\":\"token\",\"delayMs\":30}",
            "{\"outcome\":\"token\",\"delayMs\":300}",
            "{\"outcome\":\"unsolvable\",\"delayMs\":20}",
            "{\"outcome\":\"processing-image\",\"delayMs\":50}"
        }) {
            String pk = UUID.randomUUID().toString();
            node.template(pk, "test", settings);
            templates.add(pk);
        }
    }

    void start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().name("fault-client-" + i).start(this::client));
        }
    }

    private void client() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (running) {
            String key = keys.get(r.nextInt(keys.size()));
            var body = TestNode.obj().put("clientKey", key);
            body.putObject("task")
                    .put("type", "FunCaptchaTask")
                    .put("websiteURL", "https://example.org/")
                    .put("websitePublicKey", templates.get(r.nextInt(templates.size())))
                    .put("websiteSubdomain", "challenge.example.org")
                    .put("proxy", "http://user:pass@127.0.0.1:9");
            long start = System.nanoTime();
            String code;
            try {
                TestNode.Reply reply = node.post("/createTask", body);
                JsonNode json = reply.json();
                if (json != null && json.path("errorId").asInt(-1) == 0) {
                    accepted.add(json.path("taskId").asLong());
                    code = null;
                } else {
                    code = json == null
                            ? "status " + reply.status()
                            : json.path("errorCode").asText();
                }
            } catch (RuntimeException e) {
                code = "no reply: " + e.getClass().getSimpleName();
            }
            requests.incrementAndGet();
            maxMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            if (code != null) {
                refused.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
                sleep(100); // a client pauses before it tries again
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(30));
        }
    }

    Set<Long> accepted() {
        return accepted;
    }

    /** Refusals by code: only retryable ones (and lost replies) are expected while a fault lasts. */
    Map<String, Long> refused() {
        Map<String, Long> out = new TreeMap<>();
        refused.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * Waits until every task has ended, then checks the books: every accepted task exists and ended once (ready
     * with exactly one charge of its price, or failed with none), each account's balance equals its credits less
     * its charges and its ledger's sum, and nothing is held or in flight on any account or package. Returns a
     * one-line summary for the report.
     */
    String checkBooks(String scenario, Jdbi jdbi, Duration drainWithin) {
        return checkBooks(scenario, jdbi, drainWithin, false);
    }

    /**
     * As {@link #checkBooks(String, Jdbi, Duration)}; with {@code reaping}, ended tasks may already be deleted (their
     * ledger rows stay), so the per-task checks are made on the tasks still there and the books on the ledger.
     */
    String checkBooks(String scenario, Jdbi jdbi, Duration drainWithin, boolean reaping) {
        long stopped = System.nanoTime();
        try {
            await().atMost(drainWithin)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status IN ('queued', 'solving')") == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    scenario + ": tasks still in flight " + drainWithin + " after the load: " + stuck(jdbi), e);
        }
        long drained = (System.nanoTime() - stopped) / 1_000_000;
        Set<Long> inDb = Set.copyOf(jdbi.withHandle(
                h -> h.createQuery("SELECT id FROM tasks").mapTo(Long.class).list()));
        if (!reaping) {
            assertThat(inDb).as("every accepted task is in the database").containsAll(accepted);
        }
        // Each check below is one statement, so one snapshot: with reaping the sweep deletes ended tasks meanwhile,
        // and counts taken by two statements would disagree by the tasks deleted between them.
        long ready = count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'ready'");
        long failed = count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'failed'");
        assertThat(count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status NOT IN ('ready', 'failed')"))
                .as("every task ended")
                .isZero();
        assertThat(count(jdbi, "SELECT COUNT(*) - COUNT(DISTINCT task_id) FROM ledger WHERE kind = 'charge'"))
                .as("no task charged twice")
                .isZero();
        assertThat(count(
                        jdbi,
                        "SELECT COUNT(*) FROM tasks t WHERE t.status = 'ready' AND t.package_id IS NULL AND (SELECT"
                                + " COUNT(*) FROM ledger l WHERE l.task_id = t.id AND l.kind = 'charge') <> 1"))
                .as("one charge per ready task of a balance key")
                .isZero();
        if (!reaping) {
            assertThat(count(
                            jdbi,
                            "SELECT (SELECT COUNT(*) FROM ledger WHERE kind = 'charge') - (SELECT COUNT(*) FROM tasks"
                                    + " WHERE status = 'ready' AND package_id IS NULL)"))
                    .as("a charge only for a ready task of a balance key")
                    .isZero();
        }
        assertThat(count(
                        jdbi,
                        "SELECT COUNT(*) FROM tasks t JOIN ledger l ON l.task_id = t.id WHERE t.status <> 'ready'"))
                .as("no charge for a failed task")
                .isZero();
        assertThat(count(jdbi, "SELECT COUNT(*) FROM ledger WHERE kind = 'charge' AND amount <> -" + PRICE))
                .isZero();
        for (long account : accounts) {
            long charges = count(jdbi, "SELECT COUNT(*) FROM ledger WHERE kind = 'charge' AND account_id = " + account);
            long balance = count(jdbi, "SELECT balance FROM accounts WHERE id = " + account);
            assertThat(balance)
                    .as("balance of account %d", account)
                    .isEqualTo(CREDIT - PRICE * charges)
                    .isEqualTo(
                            count(jdbi, "SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE account_id = " + account));
        }
        assertThat(count(jdbi, "SELECT COALESCE(SUM(held), 0) FROM accounts"))
                .as("nothing held")
                .isZero();
        assertThat(count(jdbi, "SELECT COALESCE(SUM(in_flight), 0) FROM accounts"))
                .as("nothing in flight")
                .isZero();
        assertThat(count(jdbi, "SELECT COALESCE(SUM(in_flight), 0) FROM packages"))
                .isZero();
        long reruns = count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'ready' AND solve_count > 1");
        String line = String.format(
                "%s: %d createTask calls (slowest %d ms), %d accepted, %d tasks stored and ended (%d ready, %d failed,"
                        + " %d ready after a re-run), drained %d ms after the load; refusals %s",
                scenario,
                requests.get(),
                maxMillis.get(),
                accepted.size(),
                inDb.size(),
                ready,
                failed,
                reruns,
                drained,
                refused());
        report(line);
        return line;
    }

    /** The tasks not ended, with what decides their fate, and the node leases: for a failure's message. */
    static String stuck(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT 'task ' || id || ' ' || status || ' attempt ' || solve_count || ' owner '
                          || COALESCE(lease_owner, '-') || ' deadline in '
                          || (deadline - (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint) || ' ms'
                        FROM tasks WHERE status IN ('queued', 'solving') ORDER BY id LIMIT 20""").mapTo(String.class).list()
                + " nodes " + h.createQuery("""
                        SELECT id || ' lease ends in '
                          || (lease_until - (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint) || ' ms'
                        FROM nodes""").mapTo(String.class).list());
    }

    static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /** Appends a line to {@code target/fault-report.txt} and prints it. */
    static void report(String line) {
        System.out.println("FAULTS " + line);
        try {
            Files.writeString(
                    Path.of("target", "fault-report.txt"),
                    line + System.lineSeparator(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDBI over plain connections (outside the node's pool), for the checks. */
    static Jdbi jdbi(String url, String user) {
        return Jdbi.create(() -> DriverManager.getConnection(url, user, null));
    }

    /** A plain connection, for the fault injectors. */
    static Connection connect(String url, String user) throws SQLException {
        return DriverManager.getConnection(url, user, null);
    }
}
