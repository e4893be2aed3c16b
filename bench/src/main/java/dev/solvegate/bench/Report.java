package dev.solvegate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results of one run as Markdown: the machine, one table of loads with their ceilings and targets, the
 * start-up and in-flight figures, and profile summaries. Thread-safety: not thread-safe.
 */
final class Report {

    private final List<String> rows = new ArrayList<>();
    private final List<String> extra = new ArrayList<>();
    private final List<String> profiles = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Service.Result> services = new ArrayList<>();
    private Service.Settings serviceSettings;
    private final List<String> overload = new ArrayList<>();
    private String header = "";
    private String footer = "";

    void machine(boolean quick, int warmup, int seconds, int connections) {
        header = String.format(
                Locale.ROOT,
                """
        Run of %s (%s). Machine: %d cores (%s), %s memory, JDK %s, %s; load average at start %s.
        Each load: %d s warm-up, then %d s measured; wrk with %d connections (split evenly over the nodes).
        """,
                Instant.now().toString().substring(0, 19) + "Z",
                quick ? "bench/run --quick" : "bench/run",
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                memTotal(),
                System.getProperty("java.vm.version"),
                command("wrk", "-v").lines().findFirst().orElse("wrk ?").replaceAll(" \\[.*", ""),
                loadAvg(),
                warmup,
                seconds,
                connections);
    }

    void row(String what, String db, int nodes, Load l, Load ceiling, String target) {
        String vs = "";
        String goal = "";
        String met = "";
        if (ceiling != null) {
            double ratio = l.perSecond() / ceiling.perSecond();
            vs = String.format(Locale.ROOT, "%.0f%% of %,.0f/s", 100 * ratio, ceiling.perSecond());
            // getTaskResult: 80% of the bare endpoint on one node, 70% for the sum of two (issue #15)
            double want = "gtr".equals(target) ? 0.80 : "gtr2".equals(target) ? 0.70 : 0.50;
            goal = String.format(Locale.ROOT, "≥ %.0f%%", 100 * want);
            met = ratio >= want ? "yes" : "no";
        } else if ("e2e".equals(target)) {
            goal = "p50 ≤ 5, p99 ≤ 25 ms";
            met = l.p50Ms() <= 5 && l.p99Ms() <= 25 ? "yes" : "no";
        }
        rows.add(String.format(
                Locale.ROOT,
                "| %s | %s | %d | %,.0f | %s | %s | %d | %s | %s | %s |",
                what,
                db,
                nodes,
                l.perSecond(),
                ms(l.p50Ms()),
                ms(l.p99Ms()),
                l.errors(),
                vs,
                goal,
                met));
    }

    void startup(double without, double median, double max, double again, int runs) {
        extra.add(String.format(
                Locale.ROOT,
                "| start-up to a ready /readyz, without the class-data archive, fresh embedded database | %.0f ms | ≤ 2000 ms | %s |",
                without,
                without <= 2000 ? "yes" : "no"));
        extra.add(String.format(
                Locale.ROOT,
                "| start-up to a ready /readyz, fresh embedded database (%d launches) | median %.0f ms, max %.0f ms | ≤ 2000 ms | %s |",
                runs,
                median,
                max,
                max <= 2000 ? "yes" : "no"));
        extra.add(String.format(
                Locale.ROOT,
                "| start-up to a ready /readyz, existing embedded database | %.0f ms | ≤ 2000 ms | %s |",
                again,
                again <= 2000 ? "yes" : "no"));
    }

    void inFlight(InFlight.Result r) {
        extra.add(String.format(
                Locale.ROOT,
                "| tasks solving at once on one H2 node, -Xmx1g, SOLVEGATE_WORKERS=%d | %,d solving (filled in %.1f s, createTask %,.0f/s) | %,d | %s |",
                r.target(),
                r.solving(),
                r.fillSeconds(),
                r.createPerSecond(),
                r.target(),
                r.solving() >= r.target() ? "yes" : "no"));
        extra.add(String.format(
                Locale.ROOT,
                "| heap after a full GC / RSS with those tasks solving | %.0f MiB / %.0f MiB | heap ≤ 1024 MiB | %s |",
                r.heapMiB(),
                r.rssMiB(),
                r.heapMiB() <= 1024 ? "yes" : "no"));
    }

    void serviceSettings(Service.Settings s) {
        serviceSettings = s;
    }

    void service(Service.Result r) {
        services.add(r);
    }

    /** One run of the service simulation as a table row (see {@link #serviceTable}). */
    String serviceRow(Service.Result r) {
        return String.format(
                Locale.ROOT,
                "| %s | %d | %,.0f | %,.0f / %,.0f | %,.0f / %,.0f (clients %,.0f) | %s | %s | %s | %s | %,.0f | %.1f (%.1f) | %s | %s | %.2f | %.2f | %s | %s | %,d |",
                r.mode().equals("long") ? "long-poll" : "poll 1/s",
                r.nodes(),
                r.created(),
                r.ended(),
                r.serverEnded(),
                r.inFlightMean(),
                r.inFlightMax(),
                r.clientInFlight(),
                lat(r.poll()),
                lat(r.pollService()),
                lat(r.create()),
                lat(r.notice()),
                r.requestsPerSecond(),
                r.requestsPerTask(),
                r.pollsPerTask(),
                r.errors().isEmpty() ? "0" : r.errors().toString(),
                list(r.nodeCpu(), "%.2f"),
                r.harnessCpu(),
                r.pgCpu(),
                list(r.heapMiB(), "%.0f"),
                list(r.rssMiB(), "%.0f"),
                r.peakConnections());
    }

    private String serviceTable() {
        Service.Settings s = serviceSettings;
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "Service simulation on PostgreSQL (%s): createTask at %.1f/s (open loop) over %d accounts, solve delays"
                        + " %d–%d s over %d templates; a %d s ramp, then %d s measured; latencies p50 / p99 / max in ms"
                        + " from when a request was due.%n%n",
                s.describe(),
                s.rate(),
                s.accounts(),
                s.minDelay(),
                s.maxDelay(),
                s.buckets(),
                s.rampSeconds(),
                s.seconds()));
        b.append(
                "| mode | nodes | created /s | ended /s (clients / nodes) | in flight, node gauge mean / max | getTaskResult from due | getTaskResult service time | createTask from due | ready → seen by client | requests /s | requests per task (getTaskResult) | errors | node CPU (cores) | harness CPU | PostgreSQL CPU | heap after GC (MiB) | RSS (MiB) | connections |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        services.forEach(r -> b.append(serviceRow(r)).append('\n'));
        b.append("\n| target | result | met |\n|---|---|---|\n");
        for (Service.Result r : services) {
            String run = (r.mode().equals("long") ? "long-poll" : "poll") + ", " + r.nodes() + " node(s)";
            if (r.mode().equals("poll")) {
                b.append(String.format(
                        Locale.ROOT,
                        "| 20,000 in flight, one poll a second each, p99 ≤ 50 ms, 0 errors (%s) | %,.0f in flight, p99 %.1f ms, %d errors | %s |%n",
                        run,
                        r.inFlightMean(),
                        r.poll().p99(),
                        r.errorCount(),
                        r.inFlightMean() >= 19_000 && r.poll().p99() <= 50 && r.errorCount() == 0
                                ? "yes"
                                : (r.inFlightMean() < 19_000 ? "not at scale; " : "")
                                        + (r.poll().p99() <= 50 && r.errorCount() == 0
                                                ? "latency and errors yes"
                                                : "no")));
            } else {
                Service.Result poll = services.stream()
                        .filter(p -> p.mode().equals("poll") && p.nodes() == r.nodes())
                        .findFirst()
                        .orElse(null);
                if (poll != null) {
                    double ratio = r.requestsPerTask() / poll.requestsPerTask();
                    double polls = r.pollsPerTask() / poll.pollsPerTask();
                    b.append(String.format(
                            Locale.ROOT,
                            "| long-poll: the same work in a tenth of the requests (%s) | per task: %.2f requests against %.2f polling (%.0f%%), of them getTaskResult %.2f against %.2f (%.0f%%); %d errors | %s |%n",
                            run,
                            r.requestsPerTask(),
                            poll.requestsPerTask(),
                            100 * ratio,
                            r.pollsPerTask(),
                            poll.pollsPerTask(),
                            100 * polls,
                            r.errorCount(),
                            ratio <= 0.1 && r.errorCount() == 0
                                    ? "yes"
                                    : polls <= 0.1 && r.errorCount() == 0
                                            ? "getTaskResult yes; all requests no"
                                            : "no"));
                }
            }
        }
        return b.append('\n').toString();
    }

    private static String lat(Service.Latency l) {
        return l.count() == 0 ? "-" : String.format(Locale.ROOT, "%.1f / %.1f / %.0f", l.p50(), l.p99(), l.max());
    }

    private static String list(List<Double> values, String format) {
        return String.join(
                " + ",
                values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList());
    }

    void overload(Overload.Result r) {
        StringBuilder kinds = new StringBuilder();
        r.counted().replies().forEach((kind, n) -> kinds.append(kinds.isEmpty() ? "" : "; ")
                .append(kind)
                .append(": ")
                .append(String.format(Locale.ROOT, "%,d", n)));
        StringBuilder said = new StringBuilder();
        r.readyz().forEach((kind, n) -> said.append(said.isEmpty() ? "" : ", ")
                .append(kind)
                .append(" ×")
                .append(n));
        overload.add(String.format(
                Locale.ROOT,
                "| %s | %,d | %,.0f | %s | %s | %s | %,d | %s |",
                r.method(),
                r.connections(),
                r.counted().load().perSecond(),
                ms(r.counted().load().p50Ms()),
                ms(r.counted().load().p99Ms()),
                kinds,
                r.mislabelled(),
                said));
    }

    void note(String text) {
        notes.add("- " + text);
    }

    void profile(String what, String summary) {
        profiles.add("### " + what + "\n\n```\n" + summary + "```\n");
    }

    void finish(Duration took) {
        footer = String.format(
                Locale.ROOT, "Whole run: %d s; load average at the end %s.%n", took.toSeconds(), loadAvg());
    }

    String markdown() {
        StringBuilder s = new StringBuilder(header).append('\n');
        if (!rows.isEmpty()) {
            s.append(
                    "| measurement | database | nodes | rate /s | p50 ms | p99 ms | errors | vs ceiling | target | met |\n");
            s.append("|---|---|---|---|---|---|---|---|---|---|\n");
            rows.forEach(r -> s.append(r).append('\n'));
            s.append('\n');
        }
        if (!extra.isEmpty()) {
            s.append("| measurement | figure | target | met |\n|---|---|---|---|\n");
            extra.forEach(r -> s.append(r).append('\n'));
            s.append('\n');
        }
        if (!overload.isEmpty()) {
            s.append("| overload: method | connections | replies /s | p50 ms | p99 ms | replies by status, code and"
                    + " Retry-After | mislabelled | /readyz meanwhile |\n");
            s.append("|---|---|---|---|---|---|---|---|\n");
            overload.forEach(r -> s.append(r).append('\n'));
            s.append('\n');
        }
        if (!notes.isEmpty()) {
            notes.forEach(n -> s.append(n).append('\n'));
            s.append('\n');
        }
        if (!services.isEmpty()) {
            s.append(serviceTable());
        }
        profiles.forEach(p -> s.append(p).append('\n'));
        return s.append(footer).toString();
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String cpuModel() {
        return read("/proc/cpuinfo")
                .lines()
                .filter(l -> l.startsWith("model name"))
                .findFirst()
                .map(l -> l.replaceAll(".*:\\s*", ""))
                .orElse("cpu ?");
    }

    private static String memTotal() {
        return read("/proc/meminfo")
                .lines()
                .filter(l -> l.startsWith("MemTotal"))
                .findFirst()
                .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0))
                .orElse("?");
    }

    private static String loadAvg() {
        String[] parts = read("/proc/loadavg").split(" ");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "?";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
