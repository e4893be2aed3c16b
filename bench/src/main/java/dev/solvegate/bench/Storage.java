package dev.solvegate.bench;

import dev.solvegate.proxy.ProxyParse;
import dev.solvegate.proxy.ProxyParser;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.task.NewTask;
import dev.solvegate.server.task.TaskCodec;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.template.TemplateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The storage ceiling: createTask's admission transaction driven straight at the database, with no HTTP,
 * JSON, authentication or validation around it. On H2, the server's own admission ({@code TaskStore.admit})
 * in a loop in this process over a pool like the node's (HikariCP, 32 connections); on PostgreSQL, pgbench in
 * prepared mode running the server's own one-round-trip statement ({@code TaskStore.ONE_TRIP_CALL}, the function
 * {@code solvegate_admit}: key, locks, rules, writes and {@code NOTIFY solvegate_tasks}), with one bind variable
 * per parameter, in autocommit as the node sends it.
 */
final class Storage {

    static final int CONNECTIONS = 32;
    static final String SETTINGS = "{\"outcome\":\"token\",\"delayMs\":3600000}";

    /** The rows a ceiling run works on: an account (and its package) and its key, by the key's stored hash. */
    record Rows(long account, long key, Long pkg, String keyHash) {}

    /** A task as a client would send it, encoded as the server stores it. */
    private static final NewTask TASK = new NewTask(
            "https://example.org/login",
            Fixture.HOLD,
            "challenge.example.org",
            ((ProxyParse.Parsed) ProxyParser.parse("http://user:pass@203.0.113.7:8080")).endpoint(),
            "{}",
            Map.of(),
            null,
            null);

    private Storage() {}

    /** Creates the balance or package rows with the server's own stores. */
    static Rows rows(Database db, boolean packageKey) {
        var accounts = new AccountStore(db.jdbi(), Clock.systemUTC());
        long a = accounts.createAccount(packageKey ? "ceiling-package" : "ceiling-balance", 1_000_000, 750);
        Ledger.credit(db.jdbi(), a, 1_000_000_000_000L, "bench", System.currentTimeMillis());
        Long p = packageKey
                ? accounts.createPackage(
                        a,
                        "ceiling",
                        1_000_000,
                        Integer.MAX_VALUE,
                        Integer.MAX_VALUE,
                        System.currentTimeMillis() + 86_400_000L)
                : null;
        String secret = ApiKeys.newSecret();
        long k = accounts.createKey(a, p, secret);
        return new Rows(a, k, p, ApiKeys.hash(secret));
    }

    // ---- H2: a JDBC loop ----

    /** Runs the server's admission on {@code threads} threads for {@code warmup} + {@code seconds}. */
    static Load h2(Path dir, boolean packageKey, int threads, int warmup, int seconds) throws InterruptedException {
        try (Database db = Database.open(Config.h2FileUrl(dir), null, null, CONNECTIONS)) {
            Rows rows = rows(db, packageKey);
            var store = new TaskStore(db.jdbi(), Clock.systemUTC(), Duration.ofHours(2), Duration.ofMinutes(5));
            var caller = new Caller(rows.key(), rows.account(), false, rows.pkg(), false, Long.MAX_VALUE);
            var template = new TemplateStore.Template(Fixture.HOLD, "test", SETTINGS);
            return loop(
                    () -> store.admit(caller, TASK, template, true, "127.0.0.1") instanceof Checked.Ok,
                    threads,
                    warmup,
                    seconds);
        }
    }

    private static Load loop(BooleanSupplier admit, int threads, int warmup, int seconds) throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Histogram h = new Histogram(60_000_000L, 3);
            histograms.add(h);
            workers.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                        ok = admit.getAsBoolean();
                    } catch (RuntimeException e) {
                        ok = false;
                    }
                    if (measuring.get()) {
                        if (ok) {
                            done.increment();
                            h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        } else {
                            failed.increment();
                        }
                    }
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        return new Load(
                done.sum() / elapsed,
                all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0,
                done.sum(),
                failed.sum());
    }

    // ---- PostgreSQL: pgbench ----

    /** Drops and creates database {@code name} on the local PostgreSQL. */
    static void recreatePg(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        }
    }

    static void dropPg(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    static String pgUrl(String name) {
        return "jdbc:postgresql://127.0.0.1:5432/" + name;
    }

    /**
     * The admission under pgbench, {@code clients} connections, on a fresh database: the one-round-trip
     * statement of the server ({@code TaskStore.ONE_TRIP_CALL}) over {@code accounts} accounts (each transaction
     * picks one at random, as wrk's bodies cycle over them), each with its own key.
     */
    static Load pgbench(String dbName, Path dir, boolean packageKey, int accounts, int clients, int warmup, int seconds)
            throws SQLException, IOException, InterruptedException {
        recreatePg(dbName);
        List<Rows> rows = new ArrayList<>();
        try (Database db = Database.open(pgUrl(dbName), "postgres", null, 2)) {
            for (int i = 0; i < accounts; i++) {
                rows.add(rows(db, packageKey));
            }
        }
        Files.createDirectories(dir);
        List<Path> scripts = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            Path script = dir.resolve((packageKey ? "admit-package-" : "admit-balance-") + i + ".sql");
            Files.writeString(script, pgScript("keyHash" + i), StandardCharsets.UTF_8);
            scripts.add(script);
        }
        long now = System.currentTimeMillis();
        List<String> vars = new ArrayList<>(List.of(
                "-D",
                "settings=" + SETTINGS,
                "-D",
                "request=" + TaskCodec.encode(TASK),
                "-D",
                "solver=test",
                "-D",
                "ip=127.0.0.1",
                "-D",
                "capacity=true",
                "-D",
                "now=" + now,
                "-D",
                "deadline=" + (now + 7_200_000L),
                "-D",
                "idemSince=" + (now - 86_400_000L)));
        for (int i = 0; i < accounts; i++) {
            vars.addAll(List.of("-D", "keyHash" + i + "=" + rows.get(i).keyHash()));
        }
        pgbenchRun(dbName, scripts, vars, clients, warmup, null);
        Path logs = Files.createTempDirectory(dir, "pgbench-log");
        String out = pgbenchRun(
                dbName, scripts, vars, clients, seconds, logs.resolve("tx").toString());
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
        Matcher processed = Pattern.compile("number of transactions actually processed: (\\d+)")
                .matcher(out);
        Matcher failed =
                Pattern.compile("number of failed transactions: (\\d+)").matcher(out);
        if (!tps.find() || !processed.find()) {
            throw new IOException("pgbench printed no rate:\n" + out);
        }
        Histogram h = new Histogram(60_000_000L, 3);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logs)) {
            for (Path f : files) {
                for (String line : Files.readAllLines(f)) {
                    String[] parts = line.split(" ");
                    h.recordValue(Math.max(1, Long.parseLong(parts[2])));
                }
            }
        }
        long admitted = countTasks(dbName);
        if (admitted < Long.parseLong(processed.group(1))) {
            throw new IOException("the ceiling's admissions were refused: " + admitted + " tasks for "
                    + processed.group(1) + " calls");
        }
        return new Load(
                Double.parseDouble(tps.group(1)),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                Long.parseLong(processed.group(1)),
                failed.find() ? Long.parseLong(failed.group(1)) : 0);
    }

    /** Tasks in {@code dbName}: the ceiling's calls must have admitted, not refused. */
    private static long countTasks(String dbName) throws SQLException {
        try (Connection c = DriverManager.getConnection(pgUrl(dbName), "postgres", null);
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM tasks")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String pgbenchRun(
            String dbName, List<Path> scripts, List<String> vars, int clients, int seconds, String log)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                "pgbench",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-n",
                "-M",
                "prepared",
                "-c",
                Integer.toString(clients),
                "-j",
                "2",
                "-T",
                Integer.toString(seconds)));
        for (Path script : scripts) {
            cmd.addAll(List.of("-f", script + "@1"));
        }
        cmd.addAll(vars);
        if (log != null) {
            cmd.addAll(List.of("-l", "--log-prefix=" + log));
        }
        cmd.add(dbName);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("pgbench failed:\n" + out);
        }
        return out;
    }

    /**
     * The admission as a pgbench script: the server's own statement text ({@code TaskStore.ONE_TRIP_CALL}), whose
     * {@code :name} parameters are pgbench variables (set with -D) as they are JDBI's, the key's hash the variable
     * {@code keyHashVariable}; no callback and no {@code Idempotency-Key}, as JDBI nulls would be. One statement
     * in autocommit, as the node sends it.
     */
    static String pgScript(String keyHashVariable) {
        String call = TaskStore.ONE_TRIP_CALL
                .replace(":keyHash", ":" + keyHashVariable)
                .replace(":callback", "NULL")
                .replace(":idemKey", "NULL")
                .replace(":fingerprint", "NULL");
        return call.replace("\n", " ").strip() + ";\n";
    }
}
