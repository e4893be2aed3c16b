package dev.solvegate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The service simulation ({@code bench/run --service}): many accounts, tasks created at a steady rate (open
 * loop), each solved by the {@code test} solver after 1–20 s (one template per delay), and each task's client
 * asking for its result until it is ready: once a second after its last reply ({@code poll}), or with
 * {@code waitSeconds} ({@code long}). Nodes are real processes on real PostgreSQL; the clients are small state
 * machines on the harness's {@link EventLoop}s (two threads).
 *
 * <p>Open loop, and latency from when a request was due: createTask {@code i} is due at {@code start + i/rate}
 * whether or not earlier ones were answered, and a poll is due one second after its task's previous reply; a
 * request that waits for a connection, or is sent late because the generator is behind, counts that wait. So a
 * stall shows in the latency of every request that should have been sent during it (no coordinated omission).
 * The time from sending to the reply is kept apart ("service time") to tell the node's share from the
 * generator's.
 *
 * <p>A run: a ramp of the longest delay plus 5 s (the in-flight count reaches its steady state), then the
 * measured window; rates, latencies and request counts are of the window, errors of the whole run. At the
 * window's end, with the load still on, each node gets a full GC ({@code jcmd GC.run}) and its heap in use is
 * read; then creation stops and the tasks in flight are followed to their end.
 *
 * <p>Thread-safety: one run per instance, driven by one thread.
 */
final class Service {

    static final String PG_DB = "solvegate_bench_service";
    private static final Pattern TASK_ID = Pattern.compile("\"taskId\":(\\d+)");
    private static final Pattern ERROR_CODE = Pattern.compile("\"errorCode\":\"([A-Z_]+)\"");
    private static final long SECOND = 1_000_000_000L;
    /** The generator's threads (event loops); the clients are spread over them in turn. */
    private static final int LOOPS = 2;
    /** Refusals of getTaskResult that a client asks again after (the catalogue's retryable service codes). */
    private static final Set<String> RETRY_POLL =
            Set.of("ERROR_DATABASE_UNAVAILABLE", "ERROR_SERVICE_UNAVALIABLE", "ERROR_DATABASE_BALANCE");

    /**
     * What to simulate; {@code --service=tasks=2000,seconds=60,nodes=1+2} and so on (see docs/BENCH.md).
     *
     * @param tasks tasks in flight wanted (sets the default rate)
     * @param rate createTask per second (all nodes)
     * @param minDelay shortest solve, s
     * @param maxDelay longest solve, s
     * @param buckets templates, their delays evenly spread from {@code minDelay} to {@code maxDelay}
     * @param accounts accounts (each with its own key), tasks spread over them in turn
     * @param seconds the measured window, s
     * @param nodes node counts to run, in order
     * @param modes {@code poll} and/or {@code long}
     * @param connections connections per node for polls (createTask has a pool of its own, a quarter of this,
     *     at least 16; long-polls as many as the open-file limit allows)
     * @param waitSeconds a long-poll's {@code waitSeconds}
     * @param heap the nodes' {@code -Xmx}
     */
    record Settings(
            int tasks,
            double rate,
            int minDelay,
            int maxDelay,
            int buckets,
            int accounts,
            int seconds,
            List<Integer> nodes,
            List<String> modes,
            int connections,
            int waitSeconds,
            String heap) {

        static Settings parse(String spec) {
            Map<String, String> kv = new HashMap<>();
            if (!spec.isBlank()) {
                for (String part : spec.split(",")) {
                    int eq = part.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--service takes key=value pairs: " + part);
                    }
                    kv.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
                }
            }
            Set<String> known = Set.of(
                    "tasks",
                    "rate",
                    "delays",
                    "buckets",
                    "accounts",
                    "seconds",
                    "nodes",
                    "modes",
                    "connections",
                    "wait",
                    "heap");
            for (String k : kv.keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("--service: unknown key " + k + " (known: " + known + ")");
                }
            }
            String[] delays = kv.getOrDefault("delays", "1-20").split("-");
            int min = Integer.parseInt(delays[0]);
            int max = Integer.parseInt(delays[delays.length - 1]);
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("--service: delays must be MIN-MAX seconds: " + kv.get("delays"));
            }
            int buckets = Integer.parseInt(kv.getOrDefault("buckets", Integer.toString(Math.max(1, max - min + 1))));
            int tasks = Integer.parseInt(kv.getOrDefault("tasks", "20000"));
            double mean = (min + max) / 2.0;
            double rate = kv.containsKey("rate") ? Double.parseDouble(kv.get("rate")) : tasks / Math.max(0.001, mean);
            List<Integer> nodes = new ArrayList<>();
            for (String n : kv.getOrDefault("nodes", "1+2").split("\\+")) {
                nodes.add(Integer.parseInt(n));
            }
            List<String> modes = List.of(kv.getOrDefault("modes", "poll+long").split("\\+"));
            if (!Set.of("poll", "long").containsAll(modes)) {
                throw new IllegalArgumentException("--service: modes are poll and long: " + modes);
            }
            return new Settings(
                    tasks,
                    rate,
                    min,
                    max,
                    buckets,
                    Integer.parseInt(kv.getOrDefault("accounts", "200")),
                    Integer.parseInt(kv.getOrDefault("seconds", "60")),
                    nodes,
                    modes,
                    Integer.parseInt(kv.getOrDefault("connections", "256")),
                    Integer.parseInt(kv.getOrDefault("wait", "30")),
                    kv.getOrDefault("heap", "1g"));
        }

        long delayMillis(int bucket) {
            return buckets == 1
                    ? minDelay * 1000L
                    : Math.round((minDelay + (maxDelay - minDelay) * bucket / (double) (buckets - 1)) * 1000);
        }

        int rampSeconds() {
            return maxDelay + 5;
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "tasks=%d,rate=%.1f,delays=%d-%d,buckets=%d,accounts=%d,seconds=%d,connections=%d,wait=%d,heap=%s",
                    tasks,
                    rate,
                    minDelay,
                    maxDelay,
                    buckets,
                    accounts,
                    seconds,
                    connections,
                    waitSeconds,
                    heap);
        }
    }

    /** Latency figures of one kind of request in the window, ms. */
    record Latency(long count, double p50, double p99, double max) {
        static Latency of(Histogram h) {
            return new Latency(
                    h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0);
        }
    }

    /**
     * One run's figures.
     *
     * @param created createTask answered with a task id, per second of the window
     * @param ended tasks whose client saw them ready, per second of the window
     * @param serverEnded settlements counted by the nodes ({@code solvegate_tasks_ended_total}), per second
     * @param inFlightMean mean of {@code solvegate_tasks_inflight} sampled in the window (every 5 s; a node
     *     that cannot reach its database in time answers NaN, left out)
     * @param inFlightMax its largest sample
     * @param clientInFlight mean, sampled each second, of tasks created and not yet seen ended by their client
     * @param poll getTaskResult from due to reply (polls; in long-poll mode the wait itself)
     * @param pollService getTaskResult from sending to reply
     * @param create createTask from due to reply
     * @param notice from the end a task's delay promised (createTask's reply + delay) to its client seeing it
     * @param requests HTTP requests answered (or failed) in the window
     * @param polls of those, getTaskResult requests answered
     * @param errors by code over the whole run (catalogue codes, {@code HTTP nnn}, {@code transport …},
     *     {@code not ended})
     * @param nodeCpu each node's CPU in the window, cores
     * @param harnessCpu the harness's own CPU (the clients), cores
     * @param pgCpu the bench database's PostgreSQL backends, cores
     * @param heapMiB each node's heap in use after a full GC at the window's end
     * @param rssMiB each node's resident set then
     * @param peakConnections the most connections the clients held at once (all nodes)
     */
    record Result(
            String mode,
            int nodes,
            int seconds,
            double created,
            double ended,
            double serverEnded,
            double inFlightMean,
            double inFlightMax,
            double clientInFlight,
            Latency poll,
            Latency pollService,
            Latency create,
            Latency notice,
            long requests,
            long polls,
            Map<String, Long> errors,
            List<Double> nodeCpu,
            double harnessCpu,
            double pgCpu,
            List<Double> heapMiB,
            List<Double> rssMiB,
            int peakConnections,
            String loadBefore,
            String loadAfter) {

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double requestsPerSecond() {
            return requests / (double) seconds;
        }

        /** Requests in the window per task seen ended in it (createTask included). */
        double requestsPerTask() {
            return ended == 0 ? Double.NaN : requestsPerSecond() / ended;
        }

        /** getTaskResult requests in the window per task seen ended in it. */
        double pollsPerTask() {
            return ended == 0 ? Double.NaN : polls / (double) seconds / ended;
        }
    }

    private final Settings s;
    private final String mode;
    private final List<ServerNode> nodes;
    private final List<EventLoop> loops = new ArrayList<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger peakConnections = new AtomicInteger();
    private final List<String> keys;
    private final List<String> templates;

    private final Histogram pollHist = new ConcurrentHistogram(3_600_000_000L, 3);
    private final Histogram pollServiceHist = new ConcurrentHistogram(3_600_000_000L, 3);
    private final Histogram createHist = new ConcurrentHistogram(3_600_000_000L, 3);
    private final Histogram noticeHist = new ConcurrentHistogram(3_600_000_000L, 3);
    private final LongAdder createdInWindow = new LongAdder();
    private final LongAdder endedInWindow = new LongAdder();
    private final LongAdder requestsInWindow = new LongAdder();
    private final LongAdder pollsInWindow = new LongAdder();
    private final LongAdder createdAll = new LongAdder();
    private final LongAdder finishedAll = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();
    private volatile boolean stopArrivals;
    private long windowStart;
    private long windowEnd;

    private Service(Settings s, String mode, List<ServerNode> nodes, List<String> keys, List<String> templates) {
        this.s = s;
        this.mode = mode;
        this.nodes = nodes;
        this.keys = keys;
        this.templates = templates;
    }

    /** The generator's loops: per loop and node a pool for polls (index = node) and one for createTask. */
    private void openLoops() throws IOException {
        int creates = Math.max(16, s.connections() / 4);
        int polls = s.connections();
        if (mode.equals("long")) {
            // a waiting long-poll holds its connection (HTTP/1.1, one request at a time): as many as the
            // open-file limit allows
            polls = (openFileLimit() - 2000) / nodes.size() - creates;
        }
        List<Integer> ports = new ArrayList<>();
        List<Integer> maxima = new ArrayList<>();
        for (ServerNode n : nodes) {
            ports.add(n.port);
            maxima.add(Math.max(1, polls / LOOPS));
        }
        for (ServerNode n : nodes) {
            ports.add(n.port);
            maxima.add(Math.max(1, creates / LOOPS));
        }
        for (int l = 0; l < LOOPS; l++) {
            loops.add(new EventLoop("service-loop-" + l, ports, maxima, openConnections, peakConnections));
        }
    }

    /** One run on fresh PostgreSQL with {@code nodeCount} nodes; the database is dropped afterwards. */
    static Result run(Settings s, String mode, int nodeCount, Path jar, Path work) throws Exception {
        Storage.recreatePg(PG_DB);
        Map<String, String> env = Map.of(
                "SOLVEGATE_DB_URL", Storage.pgUrl(PG_DB),
                "SOLVEGATE_DB_USER", "postgres",
                "SOLVEGATE_WORKERS", Integer.toString(Math.clamp(2L * s.tasks(), 1000, 1_000_000)));
        List<ServerNode> started = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) {
                String name = "service-" + mode + "-" + nodeCount + "-" + i;
                started.add(ServerNode.start(name, jar, work.resolve(name), List.of("-Xmx" + s.heap()), env));
            }
            ServerNode first = started.get(0);
            List<String> templates = templates(first, s);
            List<String> keys = accounts(first, s.accounts());
            Service sim = new Service(s, mode, started, keys, templates);
            sim.openLoops();
            try {
                return sim.simulate();
            } finally {
                for (EventLoop l : sim.loops) {
                    l.stop();
                }
            }
        } finally {
            for (ServerNode n : started) {
                n.proc.kill();
            }
            Storage.dropPg(PG_DB);
        }
    }

    private static List<String> templates(ServerNode n, Settings s) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int b = 0; b < s.buckets(); b++) {
            String id = String.format(Locale.ROOT, "c0000000-0000-4000-8000-%012d", b);
            n.admin(
                    "PUT",
                    "/admin/templates/" + id,
                    Map.of("solver", "test", "settings", Map.of("outcome", "token", "delayMs", s.delayMillis(b))));
            ids.add(id);
        }
        return ids;
    }

    /** {@code count} accounts with a balance key each, made through the admin API from 16 clients. */
    private static List<String> accounts(ServerNode n, int count) throws InterruptedException {
        String[] keys = new String[count];
        AtomicInteger next = new AtomicInteger();
        Map<Integer, Exception> failed = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try {
                        long id = n.admin(
                                        "POST",
                                        "/admin/accounts",
                                        Map.of("name", "service-" + i, "maxThreads", 1_000_000))
                                .get("id")
                                .asLong();
                        n.admin(
                                "POST",
                                "/admin/accounts/" + id + "/credits",
                                Map.of("amount", "1000000", "reason", "bench"));
                        keys[i] = n.admin("POST", "/admin/accounts/" + id + "/keys", Map.of())
                                .get("clientKey")
                                .asText();
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        failed.put(i, e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException(
                    "setting up " + failed.size() + " of " + count + " accounts failed; the first: "
                            + failed.values().iterator().next());
        }
        return List.of(keys);
    }

    private Result simulate() throws Exception {
        String loadBefore = loadAvg();
        long start = System.nanoTime();
        windowStart = start + s.rampSeconds() * SECOND;
        windowEnd = windowStart + s.seconds() * SECOND;
        for (int l = 0; l < LOOPS; l++) {
            EventLoop loop = loops.get(l);
            long first = l;
            loop.start(() -> loop.at(dueOf(start, first), () -> arrive(loop, start, first)));
        }

        // the node's gauge counts rows on each scrape: read it off the timing loop, which must not stall
        List<Double> gauge = Collections.synchronizedList(new ArrayList<>());
        double[] lastGauge = {Double.NaN};
        Thread scraper = Thread.ofVirtual().start(() -> scrape(start, gauge, lastGauge));
        Snapshot before = null;
        double clientSum = 0;
        int clientSamples = 0;
        long lastPrint = start;
        for (long tick = start + SECOND; tick <= windowEnd; tick += SECOND) {
            sleepUntil(tick);
            long now = System.nanoTime();
            boolean inWindow = now > windowStart;
            if (before == null && now >= windowStart) {
                before = snapshot();
            }
            long inFlight = createdAll.sum() - finishedAll.sum();
            if (inWindow) {
                clientSum += inFlight;
                clientSamples++;
            }
            if (now - lastPrint >= 5 * SECOND) {
                lastPrint = now;
                double g = lastGauge[0];
                System.out.printf(
                        Locale.ROOT,
                        "[service %s x%d] %3ds%s created %d, seen ended %d, in flight %d (node gauge %.0f), errors %d%n",
                        mode,
                        nodes.size(),
                        (now - start) / SECOND,
                        inWindow ? " (measuring)" : " (ramp)",
                        createdAll.sum(),
                        finishedAll.sum(),
                        inFlight,
                        g,
                        errors.values().stream().mapToLong(LongAdder::sum).sum());
            }
        }
        if (before == null) {
            before = snapshot();
        }
        Snapshot after = snapshot();
        scraper.join(10_000);
        List<Double> heap = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        for (ServerNode n : nodes) {
            InFlight.jcmd(n.proc.pid(), "GC.run");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(InFlight.jcmd(n.proc.pid(), "GC.heap_info"));
            heap.add(m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN);
            rss.add(n.proc.rssMiB());
        }
        stopArrivals = true;
        drain();
        String loadAfter = loadAvg();

        double secs = (after.nanos - before.nanos) / 1e9;
        List<Double> nodeCpu = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            nodeCpu.add((after.nodeTicks.get(i) - before.nodeTicks.get(i)) / TICKS / secs);
        }
        long pgTicks = 0;
        for (Map.Entry<Long, Long> e : after.pgTicks.entrySet()) {
            Long was = before.pgTicks.get(e.getKey());
            pgTicks += e.getValue() - (was == null ? 0 : was);
        }
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        int peak = peakConnections.get();
        return new Result(
                mode,
                nodes.size(),
                s.seconds(),
                createdInWindow.sum() / (double) s.seconds(),
                endedInWindow.sum() / (double) s.seconds(),
                (after.ended - before.ended) / secs,
                gauge.stream()
                        .mapToDouble(Double::doubleValue)
                        .filter(g -> !Double.isNaN(g))
                        .average()
                        .orElse(Double.NaN),
                gauge.stream()
                        .mapToDouble(Double::doubleValue)
                        .filter(g -> !Double.isNaN(g))
                        .max()
                        .orElse(Double.NaN),
                clientSamples == 0 ? Double.NaN : clientSum / clientSamples,
                Latency.of(pollHist),
                Latency.of(pollServiceHist),
                Latency.of(createHist),
                Latency.of(noticeHist),
                requestsInWindow.sum(),
                pollsInWindow.sum(),
                errorCounts,
                nodeCpu,
                (after.harnessTicks - before.harnessTicks) / TICKS / secs,
                pgTicks / TICKS / secs,
                heap,
                rss,
                peak,
                loadBefore,
                loadAfter);
    }

    /** Reads the first node's {@code solvegate_tasks_inflight} every 5 s until the window's end. */
    private void scrape(long start, List<Double> inWindow, double[] last) {
        for (long t = start + 5 * SECOND; t <= windowEnd; t += 5 * SECOND) {
            sleepUntil(t);
            try {
                double g = nodes.get(0).metric("solvegate_tasks_inflight");
                last[0] = g;
                if (inWindow(System.nanoTime())) {
                    inWindow.add(g);
                }
            } catch (IOException e) {
                System.err.println("service: reading /metrics failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private long dueOf(long start, long i) {
        return start + (long) (i * 1e9 / s.rate());
    }

    /** On a loop: starts task {@code i}'s client, and schedules this loop's next arrival (every LOOPS-th task). */
    private void arrive(EventLoop loop, long start, long i) {
        if (stopArrivals) {
            return;
        }
        new Client(loop, i, dueOf(start, i)).create();
        long next = i + LOOPS;
        loop.at(dueOf(start, next), () -> arrive(loop, start, next));
    }

    /**
     * One task's client, on one loop: createTask, then getTaskResult until the task ended. Thread-safety: confined
     * to its loop.
     */
    private final class Client {
        private final EventLoop loop;
        private final int node;
        private final String key;
        private final int bucket;
        private final boolean longPoll = mode.equals("long");
        private byte[] pollRequest;
        private long due;
        private long sent;
        private long promised;
        private long deadline;

        Client(EventLoop loop, long i, long due) {
            this.loop = loop;
            this.node = (int) (i % nodes.size());
            this.key = keys.get((int) (i % keys.size()));
            this.bucket = ThreadLocalRandom.current().nextInt(templates.size());
            this.due = due;
        }

        void create() {
            live.incrementAndGet();
            String body = "{\"clientKey\":\"" + key + "\",\"task\":{\"type\":\"FunCaptchaTask\","
                    + "\"websiteURL\":\"https://example.org/login\",\"websitePublicKey\":\"" + templates.get(bucket)
                    + "\",\"websiteSubdomain\":\"challenge.example.org\",\"proxy\":\"" + Fixture.PROXY + "\"}}";
            sent = System.nanoTime();
            loop.post(
                    nodes.size() + node,
                    EventLoop.request(nodes.get(node).port, "/createTask", body),
                    10_000,
                    this::created);
        }

        private void created(int status, String body, IOException failure) {
            long now = System.nanoTime();
            record(now, createHist, null);
            if (failure != null) {
                transport(failure);
                live.decrementAndGet();
                return;
            }
            Matcher id = TASK_ID.matcher(body);
            if (status != 200 || !body.contains("\"errorId\":0") || !id.find()) {
                error(status, body);
                live.decrementAndGet();
                return;
            }
            createdAll.increment();
            if (inWindow(now)) {
                createdInWindow.increment();
            }
            promised = now + s.delayMillis(bucket) * 1_000_000L;
            deadline = promised + (s.maxDelay() + 60L) * SECOND;
            pollRequest = EventLoop.request(
                    nodes.get(node).port,
                    "/getTaskResult",
                    "{\"clientKey\":\"" + key + "\",\"taskId\":" + id.group(1)
                            + (longPoll ? ",\"waitSeconds\":" + s.waitSeconds() : "") + "}");
            pollAt(longPoll ? now : now + SECOND);
        }

        private void pollAt(long at) {
            due = at;
            loop.at(at, this::poll);
        }

        private void poll() {
            sent = System.nanoTime();
            if (sent > deadline) {
                errors.computeIfAbsent("not ended " + (s.maxDelay() + 60) + " s after its delay", k -> new LongAdder())
                        .increment();
                finish();
                return;
            }
            int timeout = longPoll ? (s.waitSeconds() + 15) * 1000 : 10_000;
            loop.post(node, pollRequest, timeout, this::polled);
        }

        private void polled(int status, String body, IOException failure) {
            long now = System.nanoTime();
            record(now, pollHist, pollServiceHist);
            if (inWindow(now)) {
                pollsInWindow.increment();
            }
            if (failure != null) {
                transport(failure);
                pollAt(now + SECOND); // ask again in a second
                return;
            }
            if (status == 200 && body.contains("\"status\":\"ready\"")) {
                noticeHist.recordValue(Math.max(0, (now - promised) / 1000));
                if (inWindow(now)) {
                    endedInWindow.increment();
                }
                finish();
                return;
            }
            if (status == 200 && body.contains("\"status\":\"processing\"")) {
                pollAt(longPoll ? now : now + SECOND);
                return;
            }
            String code = error(status, body);
            if (body.contains("\"status\":\"failed\"") || !RETRY_POLL.contains(code)) {
                finish(); // the task failed, or an answer a client does not ask again after
            } else {
                pollAt(now + SECOND); // a retryable refusal (the node is overloaded): ask again in a second
            }
        }

        private void record(long now, Histogram fromDue, Histogram service) {
            if (inWindow(now)) {
                requestsInWindow.increment();
                fromDue.recordValue(Math.max(0, (now - due) / 1000));
                if (service != null) {
                    service.recordValue(Math.max(0, (now - sent) / 1000));
                }
            }
        }

        private void finish() {
            finishedAll.increment();
            live.decrementAndGet();
        }
    }

    private void transport(IOException e) {
        errors.computeIfAbsent("transport " + e.getClass().getSimpleName(), k -> new LongAdder())
                .increment();
    }

    /** Counts an error reply by its code (or its HTTP status); returns what it counted it as. */
    private String error(int status, String body) {
        Matcher m = ERROR_CODE.matcher(body);
        String code = m.find() ? m.group(1) : "HTTP " + status;
        errors.computeIfAbsent(code, k -> new LongAdder()).increment();
        return code;
    }

    private boolean inWindow(long nanos) {
        return nanos >= windowStart && nanos < windowEnd;
    }

    /** Follows the tasks in flight to their end; the ones still open after that are counted. */
    private void drain() throws InterruptedException {
        long until = System.nanoTime() + (s.maxDelay() + s.waitSeconds() + 20L) * SECOND;
        while (live.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        int left = live.get();
        if (left > 0) {
            errors.computeIfAbsent("not ended by the end of the drain", k -> new LongAdder())
                    .add(left);
        }
    }

    // ---- process figures ----

    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private record Snapshot(
            long nanos, List<Long> nodeTicks, long harnessTicks, Map<Long, Long> pgTicks, double ended) {}

    /** CPU first, at one instant; then the slower reads (the counters over HTTP, the backends over JDBC). */
    private Snapshot snapshot() throws IOException, InterruptedException {
        long nanos = System.nanoTime();
        long harness = cpuTicks(ProcessHandle.current().pid());
        List<Long> ticks = new ArrayList<>();
        for (ServerNode n : nodes) {
            ticks.add(cpuTicks(n.proc.pid()));
        }
        Map<Long, Long> pg = new LinkedHashMap<>();
        for (long pid : pgBackends()) {
            long t = cpuTicks(pid);
            if (t >= 0) {
                pg.put(pid, t);
            }
        }
        double ended = 0;
        for (ServerNode n : nodes) {
            try {
                ended += n.metricSum("solvegate_tasks_ended_total");
            } catch (IOException e) {
                ended = Double.NaN; // the node did not answer /metrics within 10 s
            }
        }
        return new Snapshot(nanos, ticks, harness, pg, ended);
    }

    /** utime + stime of a process, in clock ticks; -1 when it is gone. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The pids of the PostgreSQL backends connected to the simulation's database. */
    private static List<Long> pgBackends() {
        List<Long> pids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + PG_DB + "'")) {
            while (rs.next()) {
                pids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            System.err.println("service: could not list PostgreSQL backends: " + e.getMessage());
        }
        return pids;
    }

    private static int openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return Integer.parseInt(line.substring(26).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 4096;
        }
        return 4096;
    }

    private static String loadAvg() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void sleepUntil(long nanos) {
        for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
