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
 * h2, pg, pg2, inflight, overload), {@code --profile} (JFR of getTaskResult and createTask on an H2 node), {@code --reads}
 * (in h2, pg and pg2 only getTaskResult, each beside the bare endpoint: no storage ceilings, end-to-end or
 * createTask runs), {@code --service[=KEY=VALUE,…]} (the service simulation alone, {@link Service}).
 * {@code -Dbench.overload.connections=N} (default 2000) and {@code -Dbench.overload.pool=N} (the node's
 * {@code SOLVEGATE_DB_POOL}, default its own 32) scale the overload section.
 */
public final class Bench {

    private static final List<String> SECTIONS =
            List.of("http", "startup", "h2", "pg", "pg2", "inflight", "overload", "profile", "pgcreate");
    /**
     * The databases a run creates and drops, named after this harness's process so that two runs on one
     * PostgreSQL never drop each other's ({@code -Dbench.pgSuffix=_x} names them otherwise).
     */
    private static final String PG_SUFFIX =
            System.getProperty("bench.pgSuffix", "_" + ProcessHandle.current().pid());

    private static final String PG_DB = "solvegate_bench" + PG_SUFFIX;

    private static final String PG_CEILING_DB = "solvegate_bench_ceiling" + PG_SUFFIX;

    private final Path root;
    private final Path work;
    private final Path jar;
    private final boolean quick;
    private final int warmup;
    private final int seconds;
    private final int connections = 64;
    /**
     * Connections of the {@code pgcreate} section: wrk's, pgbench's and the node's pool alike, small enough for a
     * PostgreSQL (max_connections 100) that other test runs share.
     */
    private static final int PGCREATE_CONNECTIONS = 16;

    private final Wrk wrk;
    private final Report report = new Report();
    private final Map<String, Load> ceilings = new HashMap<>();
    private final boolean readsOnly;
    private Proc bare;
    private String bareUrl;

    private Bench(Path root, boolean quick, boolean readsOnly) throws IOException {
        this.readsOnly = readsOnly;
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
        Service.Settings service = null;
        boolean reads = false;
        Set<String> only = new HashSet<>(SECTIONS);
        only.remove("profile");
        only.remove("pgcreate");
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            } else if (a.equals("--profile")) {
                profile = true;
            } else if (a.equals("--service") || a.startsWith("--service=")) {
                service =
                        Service.Settings.parse(a.substring("--service".length()).replaceFirst("^=", ""));
            } else if (a.equals("--reads")) {
                reads = true;
            } else if (a.startsWith("--only=")) {
                only = new HashSet<>(Arrays.asList(a.substring(7).split(",")));
                if (!SECTIONS.containsAll(only)) {
                    throw new IllegalArgumentException("--only takes sections of " + SECTIONS + ": " + a);
                }
            } else {
                System.err.println("usage: bench/run [--quick] [--only=" + String.join(",", SECTIONS)
                        + "] [--profile] [--reads] [--service[=tasks=N,rate=R,delays=MIN-MAX,buckets=B,accounts=A,"
                        + "seconds=S,nodes=1+2,modes=poll+long,connections=C,wait=W,heap=H]]");
                System.exit(2);
            }
        }
        Path root =
                Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        Bench b = new Bench(root, quick, reads);
        long t0 = System.nanoTime();
        b.report.machine(quick, b.warmup, b.seconds, b.connections);
        if (service != null) {
            only = Set.of();
            b.service(service);
        }
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
            b.pg(1, false);
        }
        if (only.contains("pgcreate")) {
            b.pg(1, true);
        }
        if (only.contains("pg2")) {
            b.pg(2, false);
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
        if (b.bare != null) {
            b.bare.close();
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
        Load l = bareLoad(warmup);
        ceilings.put("http", l);
        report.row("HTTP ceiling: bare Helidon endpoint", "-", 1, l, null, null);
    }

    /**
     * The bare endpoint under the getTaskResult load, measured now: the process is started once and kept for the
     * run, so that each getTaskResult figure is compared with a ceiling taken minutes, not sections, apart.
     */
    private Load bareLoad(int warm) throws Exception {
        if (bare == null) {
            int port = Proc.freePort();
            String cp = System.getProperty("java.class.path");
            bare = Proc.start(
                    "bare",
                    List.of(Proc.java(), "-cp", cp, BareServer.class.getName(), Integer.toString(port)),
                    Map.of(),
                    work.resolve("bare.log"));
            bareUrl = "http://127.0.0.1:" + port;
            bare.awaitHttp200(bareUrl + "/readyz", Duration.ofSeconds(30), 20);
            warm = Math.max(warm, 2 * warmup); // the bare server's JIT warm-up too
        }
        List<String> bodies = List.of("{\"clientKey\":\"0123456789abcdef0123456789abcdef\",\"taskId\":1}");
        wrk.run(List.of(bareUrl), "/getTaskResult", bodies, connections, warm);
        return wrk.run(List.of(bareUrl), "/getTaskResult", bodies, connections, seconds);
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
        if (readsOnly) {
            log("H2 node (getTaskResult only)");
            try (ServerNode n = ServerNode.start("h2-node", jar, work.resolve("h2-node"), List.of(), Map.of())) {
                measureNodes("H2", List.of(n));
                n.proc.kill();
            }
            return;
        }
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

    /**
     * The PostgreSQL ceiling (one node only) and nodes; {@code createOnly} (section {@code pgcreate}): the
     * createTask loads alone, then a JFR profile of the node under the one-account balance-key load.
     */
    private void pg(int nodes, boolean createOnly) throws Exception {
        int clients = createOnly ? PGCREATE_CONNECTIONS : Storage.CONNECTIONS;
        if (nodes == 1 && !readsOnly) {
            log("PostgreSQL storage ceiling (pgbench, " + clients + " clients)");
            Load cb = Storage.pgbench(PG_CEILING_DB, work.resolve("ceiling-pg"), false, 1, clients, warmup, seconds);
            Load cp = Storage.pgbench(PG_CEILING_DB, work.resolve("ceiling-pg"), true, 1, clients, warmup, seconds);
            Load cm = Storage.pgbench(
                    PG_CEILING_DB, work.resolve("ceiling-pg"), false, Fixture.ACCOUNTS, clients, warmup, seconds);
            Storage.dropPg(PG_CEILING_DB);
            ceilings.put("PostgreSQL balance", cb);
            ceilings.put("PostgreSQL package", cp);
            ceilings.put("PostgreSQL accounts", cm);
            report.row("storage ceiling: one-trip admission, balance key", "PostgreSQL", 1, cb, null, null);
            report.row("storage ceiling: one-trip admission, package key", "PostgreSQL", 1, cp, null, null);
            report.row(
                    "storage ceiling: one-trip admission, balance keys of " + Fixture.ACCOUNTS + " accounts",
                    "PostgreSQL",
                    1,
                    cm,
                    null,
                    null);
        }
        log("PostgreSQL, " + nodes + " node(s)");
        Storage.recreatePg(PG_DB);
        Map<String, String> env = createOnly
                ? Map.of(
                        "SOLVEGATE_DB_URL",
                        Storage.pgUrl(PG_DB),
                        "SOLVEGATE_DB_USER",
                        "postgres",
                        "SOLVEGATE_DB_POOL",
                        Integer.toString(PGCREATE_CONNECTIONS))
                : Map.of("SOLVEGATE_DB_URL", Storage.pgUrl(PG_DB), "SOLVEGATE_DB_USER", "postgres");
        List<ServerNode> started = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                started.add(ServerNode.start(
                        "pg-node-" + nodes + "-" + i, jar, work.resolve("pg" + nodes + "-" + i), List.of(), env));
            }
            if (createOnly) {
                Fixture f = Fixture.setUp(started.get(0));
                measureCreate("PostgreSQL", started, f, PGCREATE_CONNECTIONS);
                List<String> balance = List.of(
                        Fixture.createTask(f.balanceKey(), Fixture.HOLD, null).toString());
                report.profile(
                        "createTask (balance key), PostgreSQL",
                        profiled(started.get(0), "pg-create-balance", "/createTask", balance, PGCREATE_CONNECTIONS));
            } else {
                measureNodes("PostgreSQL", started);
            }
        } finally {
            for (ServerNode n : started) {
                n.proc.kill();
            }
            Storage.dropPg(PG_DB);
        }
    }

    /** The node measurements, in an order that keeps the end-to-end run on an idle node. */
    private void measureNodes(String db, List<ServerNode> nodes) throws Exception {
        Fixture f = Fixture.setUp(nodes.get(0));
        if (!readsOnly) {
            endToEnd(db, nodes, f);
        }
        getTaskResult(db, nodes, f);
        if (!readsOnly) {
            createTask(db, nodes, f);
        }
    }

    private void endToEnd(String db, List<ServerNode> nodes, Fixture f) throws Exception {
        int n = nodes.size();
        ServerNode first = nodes.get(0);
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
    }

    /**
     * getTaskResult on 100 processing and 100 ready tasks, each right after the bare endpoint under the same
     * load, so that the ratio compares two figures taken a few seconds apart on the shared machine.
     */
    private void getTaskResult(String db, List<ServerNode> nodes, Fixture f) throws Exception {
        ServerNode first = nodes.get(0);
        List<String> urls = nodes.stream().map(x -> x.url("")).toList();
        int n = nodes.size();
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

        log(db + " x" + n + ": getTaskResult, each beside the bare endpoint");
        String target = n == 1 ? "gtr" : "gtr2";
        wrk.run(urls, "/getTaskResult", processing, connections, 2 * warmup); // also the node's JIT warm-up
        Load bareP = bareLoad(warmup);
        report.row("HTTP ceiling: bare Helidon endpoint, just before", "-", 1, bareP, null, null);
        report.row(
                "getTaskResult, task processing",
                db,
                n,
                wrk.run(urls, "/getTaskResult", processing, connections, seconds),
                bareP,
                target);
        wrk.run(urls, "/getTaskResult", ready, connections, warmup);
        Load bareR = bareLoad(warmup);
        report.row("HTTP ceiling: bare Helidon endpoint, just before", "-", 1, bareR, null, null);
        report.row(
                "getTaskResult, task ready",
                db,
                n,
                wrk.run(urls, "/getTaskResult", ready, connections, seconds),
                bareR,
                target);
    }

    private void createTask(String db, List<ServerNode> nodes, Fixture f) throws Exception {
        measureCreate(db, nodes, f, connections);
    }

    /** The createTask answers counted by {@code node}'s /metrics so far, by catalogue code (errors say which). */
    private static String createAnswers(ServerNode node) throws Exception {
        String metrics;
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            metrics = client.send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + node.adminPort + "/metrics"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "solvegate_http_requests_seconds_count\\{code=\"([A-Za-z_]+)\",method=\"createTask\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            out.append(out.isEmpty() ? "" : ", ").append(m.group(1)).append(' ').append((long)
                    Double.parseDouble(m.group(2)));
        }
        return out.toString();
    }

    /** The createTask loads: one balance-key account, one package-key account, then many balance-key accounts. */
    private void measureCreate(String db, List<ServerNode> nodes, Fixture f, int connections) throws Exception {
        List<String> urls = nodes.stream().map(x -> x.url("")).toList();
        int n = nodes.size();
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
        List<String> many = f.accountKeys().stream()
                .map(k -> Fixture.createTask(k, Fixture.HOLD, null).toString())
                .toList();
        wrk.run(urls, "/createTask", many, connections, warmup);
        report.row(
                "createTask, balance keys of " + Fixture.ACCOUNTS + " accounts",
                db,
                n,
                wrk.run(urls, "/createTask", many, connections, seconds),
                ceilings.get(db + " accounts"),
                "create");
        for (ServerNode node : nodes) {
            report.note(db + " x" + n + ", createTask answers counted by a node (all loads): " + createAnswers(node));
        }
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

    private void service(Service.Settings s) throws Exception {
        report.serviceSettings(s);
        for (int n : s.nodes()) {
            for (String mode : s.modes()) {
                log("service simulation: " + mode + ", " + n + " node(s) on PostgreSQL, " + s.describe());
                Service.Result r = Service.run(s, mode, n, jar, work);
                report.service(r);
                System.out.println(report.serviceRow(r));
            }
        }
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
        return profiled(n, name, path, bodies, connections);
    }

    private String profiled(ServerNode n, String name, String path, List<String> bodies, int connections)
            throws Exception {
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
