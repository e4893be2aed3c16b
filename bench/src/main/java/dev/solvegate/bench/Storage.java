package dev.solvegate.bench;

import dev.solvegate.server.Config;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * The storage ceiling: the statements of createTask's admission transaction ({@code TaskStore.admitIn}),
 * with the same SQL text, parameters and lock order, driven straight at the database with no HTTP, JSON,
 * authentication or validation around them. On H2, a JDBC loop in this process over a pool like the node's
 * (HikariCP, 32 connections); on PostgreSQL, pgbench in prepared mode with one bind variable per parameter,
 * the first statement pipelined with BEGIN as the PostgreSQL driver sends it.
 *
 * <p>Balance key: lock the account, add the hold and the thread slot, insert the task. Package key: lock the
 * package, lock the account, count the quota and the slot on both, insert the task. On PostgreSQL both end
 * with {@code NOTIFY solvegate_tasks}, as the node's do.
 */
final class Storage {

    static final int CONNECTIONS = 32;
    static final String SETTINGS = "{\"outcome\":\"token\",\"delayMs\":3600000}";
    static final String REQUEST = "{\"websiteURL\":\"https://example.org/login\",\"websitePublicKey\":\""
            + Fixture.HOLD
            + "\",\"websiteSubdomain\":\"challenge.example.org\",\"proxy\":\"http://user:pass@203.0.113.7:8080\","
            + "\"data\":\"{}\",\"headers\":{},\"userAgent\":null,\"callbackUrl\":null}";

    private static final String LOCK_PACKAGE = """
      SELECT threads, hourly_quota, daily_quota, in_flight, hour_index, hour_used, day_index, day_used
      FROM packages WHERE id = ? FOR UPDATE""";
    private static final String LOCK_ACCOUNT =
            "SELECT max_threads, price, balance, held, in_flight FROM accounts WHERE id = ? FOR UPDATE";
    private static final String COUNT_PACKAGE = """
      UPDATE packages SET in_flight = in_flight + 1, hour_index = ?, hour_used = ?,
        day_index = ?, day_used = ? WHERE id = ?""";
    private static final String COUNT_ACCOUNT =
            "UPDATE accounts SET in_flight = in_flight + 1, held = held + ? WHERE id = ?";
    private static final String INSERT_TASK = """
      INSERT INTO tasks (account_id, key_id, package_id, status, solver, settings, request, hold, price,
        client_ip, callback_url, created_at, deadline)
      VALUES (?, ?, ?, 'queued', 'test', ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** The rows a ceiling run works on: one account (and its package and key) per key type. */
    record Rows(long account, long key, Long pkg) {}

    private Storage() {}

    /** Creates the balance or package rows with the server's own stores. */
    static Rows rows(Database db, boolean packageKey) {
        var accounts = new AccountStore(db.jdbi(), Clock.systemUTC());
        long a = accounts.createAccount(packageKey ? "ceiling-package" : "ceiling-balance", 1_000_000, 750);
        accounts.credit(a, 1_000_000_000_000L, "bench");
        Long p = packageKey
                ? accounts.createPackage(
                        a,
                        "ceiling",
                        1_000_000,
                        Integer.MAX_VALUE,
                        Integer.MAX_VALUE,
                        System.currentTimeMillis() + 86_400_000L)
                : null;
        long k = accounts.createKey(a, p, ApiKeys.newSecret());
        return new Rows(a, k, p);
    }

    // ---- H2: a JDBC loop ----

    /** Runs the admission transaction on {@code threads} threads for {@code warmup} + {@code seconds}. */
    static Load h2(Path dir, boolean packageKey, int threads, int warmup, int seconds) throws InterruptedException {
        try (Database db = Database.open(Config.h2FileUrl(dir), null, null, CONNECTIONS)) {
            Rows rows = rows(db, packageKey);
            return loop(db.dataSource(), rows, threads, warmup, seconds);
        }
    }

    private static Load loop(DataSource ds, Rows rows, int threads, int warmup, int seconds)
            throws InterruptedException {
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
                    boolean ok = admit(ds, rows);
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

    /** One admission transaction, statement for statement as {@code TaskStore.admitIn}; false when it failed. */
    private static boolean admit(DataSource ds, Rows rows) {
        long now = System.currentTimeMillis();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                int hourUsed = 0;
                int dayUsed = 0;
                if (rows.pkg() != null) {
                    try (PreparedStatement s = c.prepareStatement(LOCK_PACKAGE)) {
                        s.setLong(1, rows.pkg());
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            hourUsed = rs.getLong(5) == now / 3_600_000L ? rs.getInt(6) : 0;
                            dayUsed = rs.getLong(7) == now / 86_400_000L ? rs.getInt(8) : 0;
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement(LOCK_ACCOUNT)) {
                    s.setLong(1, rows.account());
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                    }
                }
                long hold = rows.pkg() == null ? 750 : 0;
                if (rows.pkg() != null) {
                    try (PreparedStatement s = c.prepareStatement(COUNT_PACKAGE)) {
                        s.setLong(1, now / 3_600_000L);
                        s.setInt(2, hourUsed + 1);
                        s.setLong(3, now / 86_400_000L);
                        s.setInt(4, dayUsed + 1);
                        s.setLong(5, rows.pkg());
                        s.executeUpdate();
                    }
                }
                try (PreparedStatement s = c.prepareStatement(COUNT_ACCOUNT)) {
                    s.setLong(1, hold);
                    s.setLong(2, rows.account());
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(INSERT_TASK, new String[] {"id"})) {
                    s.setLong(1, rows.account());
                    s.setLong(2, rows.key());
                    if (rows.pkg() == null) {
                        s.setNull(3, java.sql.Types.BIGINT);
                    } else {
                        s.setLong(3, rows.pkg());
                    }
                    s.setString(4, SETTINGS);
                    s.setString(5, REQUEST);
                    s.setLong(6, hold);
                    s.setLong(7, 750);
                    s.setString(8, "127.0.0.1");
                    s.setNull(9, java.sql.Types.VARCHAR);
                    s.setLong(10, now);
                    s.setLong(11, now + 7_200_000L);
                    s.executeUpdate();
                    try (ResultSet keys = s.getGeneratedKeys()) {
                        keys.next();
                    }
                }
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                return false;
            }
        } catch (SQLException e) {
            return false;
        }
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

    /** The admission transaction under pgbench, {@code clients} connections, on a fresh database. */
    static Load pgbench(String dbName, Path dir, boolean packageKey, int clients, int warmup, int seconds)
            throws SQLException, IOException, InterruptedException {
        recreatePg(dbName);
        Rows rows;
        try (Database db = Database.open(pgUrl(dbName), "postgres", null, 2)) {
            rows = rows(db, packageKey);
        }
        Files.createDirectories(dir);
        Path script = dir.resolve(packageKey ? "admit-package.sql" : "admit-balance.sql");
        Files.writeString(script, pgScript(packageKey), StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        List<String> vars = List.of(
                "-D",
                "account=" + rows.account(),
                "-D",
                "key=" + rows.key(),
                "-D",
                "pkg=" + (rows.pkg() == null ? 0 : rows.pkg()),
                "-D",
                "hold=" + (packageKey ? 0 : 750),
                "-D",
                "settings=" + SETTINGS,
                "-D",
                "request=" + REQUEST,
                "-D",
                "now=" + now,
                "-D",
                "deadline=" + (now + 7_200_000L),
                "-D",
                "hour=" + now / 3_600_000L,
                "-D",
                "day=" + now / 86_400_000L);
        pgbenchRun(dbName, script, vars, clients, warmup, null);
        Path logs = Files.createTempDirectory(dir, "pgbench-log");
        String out = pgbenchRun(
                dbName, script, vars, clients, seconds, logs.resolve("tx").toString());
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
        return new Load(
                Double.parseDouble(tps.group(1)),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                Long.parseLong(processed.group(1)),
                failed.find() ? Long.parseLong(failed.group(1)) : 0);
    }

    private static String pgbenchRun(
            String dbName, Path script, List<String> vars, int clients, int seconds, String log)
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
                Integer.toString(seconds),
                "-f",
                script.toString()));
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

    /** The admission transaction as a pgbench script (bind variables from -D, as the driver binds them). */
    static String pgScript(boolean packageKey) {
        StringBuilder s = new StringBuilder("\\startpipeline\nBEGIN;\n");
        if (packageKey) {
            s.append(LOCK_PACKAGE.replace("?", ":pkg").replace("\n", " ")).append(";\n\\endpipeline\n");
        } else {
            s.append(LOCK_ACCOUNT.replace("?", ":account")).append(";\n\\endpipeline\n");
        }
        if (packageKey) {
            s.append(LOCK_ACCOUNT.replace("?", ":account")).append(";\n");
            s.append("UPDATE packages SET in_flight = in_flight + 1, hour_index = :hour, hour_used = hour_used + 1,"
                    + " day_index = :day, day_used = day_used + 1 WHERE id = :pkg;\n");
        }
        s.append("UPDATE accounts SET in_flight = in_flight + 1, held = held + :hold WHERE id = :account;\n");
        s.append("INSERT INTO tasks (account_id, key_id, package_id, status, solver, settings, request, hold, price,"
                        + " client_ip, callback_url, created_at, deadline) VALUES (:account, :key, ")
                .append(packageKey ? ":pkg" : "NULL")
                .append(
                        ", 'queued', 'test', :settings, :request, :hold, 750, '127.0.0.1', NULL, :now, :deadline) RETURNING id;\n");
        s.append("NOTIFY solvegate_tasks;\nCOMMIT;\n");
        return s.toString();
    }
}
