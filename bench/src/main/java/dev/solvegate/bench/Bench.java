package dev.solvegate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmark harness behind {@code bench/run}: starts the nodes under test as separate processes, sets
 * them up through the admin API, loads them with wrk and its own clients, measures the ceilings in the same
 * run, and writes the table to {@code bench/target/results.md}. See {@code docs/BENCH.md}.
 *
 * <p>Options: {@code --quick} (a smoke run of about two minutes), {@code --only=SECTION,…} (of http, startup,
 * h2, pg, pg2, inflight, overload), {@code --profile} (JFR of getTaskResult and createTask on an H2 node).
 * {@code -Dbench.overload.connections=N} (default 2000) and {@code -Dbench.overload.pool=N} (the node's
 * {@code SOLVEGATE_DB_POOL}, default its own 32) scale the overload section.
 */
public final class Bench {

    private static final List<String> SECTIONS =
            List.of("http", "startup", "h2", "pg", "pg2", "inflight", "overload", "profile");
    private static final String PG_DB = "solvegate_bench";
    private static final String PG_CEILING_DB = "solvegate_bench_ceiling";

    private final Path root;
    private final Path work;
    private final Path jar;
    private final boolean quick;
    private final int warmup;
    private final int seconds;
    private final int connections = 64;
    private final Wrk wrk;
    private final Report report = new Report();
    private final Map<String, Load> ceilings = new HashMap<>();

    private Bench(Path root, boolean quick) throws IOException {
        this.root = root;
        this.work = root.resolve("bench/target/run");
        this.jar = Path.of(System.getProperty(
                "bench.jar", root.resolve("server/target/solvegate.jar").toString()));
        this.quick = quick;
        this.warmup = quick ? 2 : 5;
        this.seconds = quick ? 3 : 10;
        deleteTree(work);
        Files.createDirectories(work);
        this.wrk = new Wrk(root.resolve("bench/wrk/post.lua"), work);
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        boolean quick = false;
        boolean profile = false;
        Set<String> only = new HashSet<>(SECTIONS);
        only.remove("profile");
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            } else if (a.equals("--profile")) {
                profile = true;
            } else if (a.startsWith("--only=")) {
                only = new HashSet<>(Arrays.asList(a.substring(7).split(",")));
                if (!SECTIONS.containsAll(only)) {
                    throw new IllegalArgumentException("--only takes sections of " + SECTIONS + ": " + a);
                }
            } else {
                System.err.println(
                        "usage: bench/run [--quick] [--only=" + String.join(",", SECTIONS) + "] [--profile]");
                System.exit(2);
            }
        }
        Path root =
                Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        Bench b = new Bench(root, quick);
        long t0 = System.nanoTime();
        b.report.machine(quick, b.warmup, b.seconds, b.connections);
        if (only.contains("http")) {
            b.httpCeiling();
        }
        if (only.contains("startup")) {
            b.startup();
        }
        if (only.contains("h2")) {
            b.h2();
        }
        if (only.contains("pg")) {
            b.pg(1);
        }
        if (only.contains("pg2")) {
            b.pg(2);
        }
        if (only.contains("inflight")) {
            b.inFlight();
        }
        if (only.contains("overload")) {
            b.overload();
        }
        if (profile || only.contains("profile")) {
            b.profile();
        }
        b.report.finish(Duration.ofNanos(System.nanoTime() - t0));
        Path out = root.resolve("bench/target/results.md");
        Files.writeString(out, b.report.markdown(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(b.report.markdown());
        System.out.println("written to " + root.relativize(out));
    }

    private static void log(String s) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + s);
    }

    // ---- sections ----

    private void httpCeiling() throws Exception {
        log("HTTP ceiling: bare Helidon endpoint");
        int port = Proc.freePort();
        String cp = System.getProperty("java.class.path");
        try (Proc bare = Proc.start(
                "bare",
                List.of(Proc.java(), "-cp", cp, BareServer.class.getName(), Integer.toString(port)),
                Map.of(),
                work.resolve("bare.log"))) {
            bare.awaitHttp200("http://127.0.0.1:" + port + "/readyz", Duration.ofSeconds(30), 20);
            String base = "http://127.0.0.1:" + port;
            List<String> bodies = List.of("{\"clientKey\":\"0123456789abcdef0123456789abcdef\",\"taskId\":1}");
            wrk.run(List.of(base), "/getTaskResult", bodies, connections, warmup);
            Load l = wrk.run(List.of(base), "/getTaskResult", bodies, connections, seconds);
            ceilings.put("http", l);
            report.row("HTTP ceiling: bare Helidon endpoint", "-", 1, l, null, null);
        }
    }

    private void startup() throws Exception {
        int runs = quick ? 2 : 5;
        log("start-up: one launch without the class-data archive, " + runs
                + " launches on a fresh embedded database with it, then one on an existing database");
        // the archive ./solvegate build recorded next to the jar, with the launcher's flags (none with another jar)
        Path archive = jar.resolveSibling("solvegate.jsa");
        List<String> cds = Files.isRegularFile(archive)
                ? List.of(
                        "-XX:SharedArchiveFile=" + archive,
                        "-Xlog:disable",
                        "-Xlog:all=warning,cds*=off,aot*=off:stderr")
                : List.of();
        double without;
        try (ServerNode n = ServerNode.start("startup", jar, work.resolve("startup-cold"), List.of(), Map.of())) {
            without = n.readyMillis;
        }
        double[] fresh = new double[runs];
        for (int i = 0; i < runs; i++) {
            Path dir = work.resolve("startup-" + i);
            try (ServerNode n = ServerNode.start("startup", jar, dir, cds, Map.of())) {
                fresh[i] = n.readyMillis;
            }
        }
        double again;
        try (ServerNode n = ServerNode.start("startup", jar, work.resolve("startup-0"), cds, Map.of())) {
            again = n.readyMillis;
        }
        Arrays.sort(fresh);
        report.startup(without, fresh[runs / 2], fresh[runs - 1], again, runs);
    }

    private void h2() throws Exception {
        log("H2 storage ceiling (the server's admission in a loop, " + Storage.CONNECTIONS + " connections)");
        Load cb = Storage.h2(work.resolve("ceiling-h2-balance"), false, Storage.CONNECTIONS, warmup, seconds);
        Load cp = Storage.h2(work.resolve("ceiling-h2-package"), true, Storage.CONNECTIONS, warmup, seconds);
        ceilings.put("H2 balance", cb);
        ceilings.put("H2 package", cp);
        report.row("storage ceiling: admission transaction, balance key", "H2", 1, cb, null, null);
        report.row("storage ceiling: admission transaction, package key", "H2", 1, cp, null, null);
        log("H2 node");
        try (ServerNode n = ServerNode.start("h2-node", jar, work.resolve("h2-node"), List.of(), Map.of())) {
            measureNodes("H2", List.of(n));
            n.proc.kill();
        }
    }

    private void pg(int nodes) throws Exception {
        if (nodes == 1) {
            log("PostgreSQL storage ceiling (pgbench, " + Storage.CONNECTIONS + " clients)");
            Load cb = Storage.pgbench(
                    PG_CEILING_DB, work.resolve("ceiling-pg"), false, Storage.CONNECTIONS, warmup, seconds);
            Load cp = Storage.pgbench(
                    PG_CEILING_DB, work.resolve("ceiling-pg"), true, Storage.CONNECTIONS, warmup, seconds);
            Storage.dropPg(PG_CEILING_DB);
            ceilings.put("PostgreSQL balance", cb);
            ceilings.put("PostgreSQL package", cp);
            report.row("storage ceiling: admission transaction, balance key", "PostgreSQL", 1, cb, null, null);
            report.row("storage ceiling: admission transaction, package key", "PostgreSQL", 1, cp, null, null);
        }
        log("PostgreSQL, " + nodes + " node(s)");
        Storage.recreatePg(PG_DB);
        Map<String, String> env = Map.of("SOLVEGATE_DB_URL", Storage.pgUrl(PG_DB), "SOLVEGATE_DB_USER", "postgres");
        List<ServerNode> started = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                started.add(ServerNode.start(
                        "pg-node-" + nodes + "-" + i, jar, work.resolve("pg" + nodes + "-" + i), List.of(), env));
            }
            measureNodes("PostgreSQL", started);
        } finally {
            for (ServerNode n : started) {
                n.proc.kill();
            }
            Storage.dropPg(PG_DB);
        }
    }

    /** The node measurements, in an order that keeps the end-to-end run on an idle node. */
    private void measureNodes(String db, List<ServerNode> nodes) throws Exception {
        ServerNode first = nodes.get(0);
        Fixture f = Fixture.setUp(first);
        List<String> urls = nodes.stream().map(n -> n.url("")).toList();
        int n = nodes.size();

        log(db + " x" + n + ": createTask -> ready (callbacks)");
        try (EndToEnd e2e = new EndToEnd()) {
            Load l = e2e.run(nodes, f.balanceKey(), quick ? 50 : 200, quick ? 100 : 1000);
            report.row("createTask → ready (test solver, delayMs 0), one at a time", db, n, l, null, "e2e");
            report.note(String.format(
                    java.util.Locale.ROOT,
                    "%s x%d, createTask → ready, server side (means from /metrics): accepted → claimed %.2f ms, accepted → ended %.2f ms",
                    db,
                    n,
                    e2e.serverSide().acceptToClaimMs(),
                    e2e.serverSide().acceptToEndMs()));
        }

        List<String> processing = new ArrayList<>();
        List<String> ready = new ArrayList<>();
        List<Long> readyIds = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            long p = first.call("createTask", Fixture.createTask(f.balanceKey(), Fixture.HOLD, null))
                    .path("taskId")
                    .asLong();
            long r = first.call("createTask", Fixture.createTask(f.balanceKey(), Fixture.FAST, null))
                    .path("taskId")
                    .asLong();
            processing.add(Fixture.getTaskResult(f.balanceKey(), p).toString());
            ready.add(Fixture.getTaskResult(f.balanceKey(), r).toString());
            readyIds.add(r);
        }
        awaitReady(first, f.balanceKey(), readyIds);

        log(db + " x" + n + ": getTaskResult");
        Load http = ceilings.get("http");
        wrk.run(urls, "/getTaskResult", processing, connections, 2 * warmup); // also the node's JIT warm-up
        report.row(
                "getTaskResult, task processing",
                db,
                n,
                wrk.run(urls, "/getTaskResult", processing, connections, seconds),
                http,
                "gtr");
        wrk.run(urls, "/getTaskResult", ready, connections, warmup);
        report.row(
                "getTaskResult, task ready",
                db,
                n,
                wrk.run(urls, "/getTaskResult", ready, connections, seconds),
                http,
                "gtr");

        log(db + " x" + n + ": createTask");
        List<String> balance =
                List.of(Fixture.createTask(f.balanceKey(), Fixture.HOLD, null).toString());
        List<String> pkg =
                List.of(Fixture.createTask(f.packageKey(), Fixture.HOLD, null).toString());
        wrk.run(urls, "/createTask", balance, connections, warmup);
        report.row(
                "createTask, balance key",
                db,
                n,
                wrk.run(urls, "/createTask", balance, connections, seconds),
                ceilings.get(db + " balance"),
                "create");
        wrk.run(urls, "/createTask", pkg, connections, warmup);
        report.row(
                "createTask, package key",
                db,
                n,
                wrk.run(urls, "/createTask", pkg, connections, seconds),
                ceilings.get(db + " package"),
                "create");
    }

    private static void awaitReady(ServerNode n, String key, List<Long> ids) throws Exception {
        long until = System.nanoTime() + 30_000_000_000L;
        for (long id : ids) {
            while (true) {
                JsonNode r = n.call("getTaskResult", Fixture.getTaskResult(key, id));
                if ("ready".equals(r.path("status").asText())) {
                    break;
                }
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("task " + id + " not ready in 30 s: " + r);
                }
                Thread.sleep(20);
            }
        }
    }

    private void inFlight() throws Exception {
        int target = quick ? 2000 : 20_000;
        log("in-flight capacity: " + target + " tasks solving on one H2 node, -Xmx1g");
        report.inFlight(InFlight.run(jar, work.resolve("inflight"), target));
    }

    private void overload() throws Exception {
        int conns = Integer.getInteger("bench.overload.connections", Overload.DEFAULT_CONNECTIONS);
        log("overload: one PostgreSQL node, wrk with " + conns
                + " connections on getBalance, getTaskResult, createTask; replies counted by code");
        Storage.recreatePg(PG_DB);
        Map<String, String> env =
                new HashMap<>(Map.of("SOLVEGATE_DB_URL", Storage.pgUrl(PG_DB), "SOLVEGATE_DB_USER", "postgres"));
        String pool = System.getProperty("bench.overload.pool");
        if (pool != null) {
            env.put("SOLVEGATE_DB_POOL", pool);
        }
        try (ServerNode n = ServerNode.start("overload-node", jar, work.resolve("overload"), List.of(), env)) {
            Fixture f = Fixture.setUp(n);
            for (Overload.Result r :
                    Overload.run(wrk, root.resolve("bench/wrk/codes.lua"), n, f, conns, warmup, seconds)) {
                report.overload(r);
            }
            Overload.Log l = Overload.log(n.proc.log);
            report.note(String.format(
                    java.util.Locale.ROOT,
                    "overload: the node's log (SOLVEGATE_DB_POOL %s) had %d lines: %d with a stack trace, %d about"
                            + " overload, %d about the database being unavailable",
                    pool == null ? "32" : pool,
                    l.lines(),
                    l.stackLines(),
                    l.overloadLines(),
                    l.unavailableLines()));
            n.proc.kill();
        } finally {
            Storage.dropPg(PG_DB);
        }
    }

    private void profile() throws Exception {
        log("profile: JFR on an H2 node, getTaskResult (processing, ready) then createTask (balance key)");
        try (ServerNode n = ServerNode.start("profile-node", jar, work.resolve("profile"), List.of(), Map.of())) {
            Fixture f = Fixture.setUp(n);
            List<Long> ids = new ArrayList<>();
            List<String> ready = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long id = n.call("createTask", Fixture.createTask(f.balanceKey(), Fixture.FAST, null))
                        .path("taskId")
                        .asLong();
                ids.add(id);
                ready.add(Fixture.getTaskResult(f.balanceKey(), id).toString());
            }
            awaitReady(n, f.balanceKey(), ids);
            List<String> processing = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long id = n.call("createTask", Fixture.createTask(f.balanceKey(), Fixture.HOLD, null))
                        .path("taskId")
                        .asLong();
                processing.add(Fixture.getTaskResult(f.balanceKey(), id).toString());
            }
            List<String> create = List.of(
                    Fixture.createTask(f.balanceKey(), Fixture.HOLD, null).toString());
            report.profile("getTaskResult (processing)", profiled(n, "gtr-processing", "/getTaskResult", processing));
            report.profile("getTaskResult (ready)", profiled(n, "gtr-ready", "/getTaskResult", ready));
            report.profile("createTask (balance key)", profiled(n, "create-balance", "/createTask", create));
            n.proc.kill();
        }
    }

    private String profiled(ServerNode n, String name, String path, List<String> bodies) throws Exception {
        Path jfr = work.resolve("profile-" + name + ".jfr");
        wrk.run(List.of(n.url("")), path, bodies, connections, warmup);
        InFlight.jcmd(n.proc.pid(), "JFR.start", "name=bench", "settings=profile");
        Load l = wrk.run(List.of(n.url("")), path, bodies, connections, seconds);
        InFlight.jcmd(n.proc.pid(), "JFR.stop", "name=bench", "filename=" + jfr);
        return String.format("%.0f requests/s while recorded (%s)%n", l.perSecond(), root.relativize(jfr))
                + Profile.summarise(jfr, 15);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
