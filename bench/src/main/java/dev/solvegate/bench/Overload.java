package dev.solvegate.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The overload section ({@code bench/run --only=overload}): one PostgreSQL node with its default pool and
 * queue, wrk with {@value #DEFAULT_CONNECTIONS} connections (or {@code -Dbench.overload.connections}) on
 * getBalance, getTaskResult (a task processing) and createTask in turn, every reply counted by status, code
 * and {@code Retry-After} ({@code bench/wrk/codes.lua}); {@code /readyz} probed every 100 ms meanwhile; and the
 * node's log read afterwards for stack traces and overload lines. A reply is <em>mislabelled</em> when it blames
 * the database ({@code ERROR_DATABASE_UNAVAILABLE}, {@code ERROR_INTERNAL_DATABASE}) or our code ({@code
 * ERROR_TASK_EXCEPTION}) while the database is healthy, or is the overload code without {@code Retry-After}.
 */
final class Overload {

    static final int DEFAULT_CONNECTIONS = 2000;

    /** One method's load: the replies by kind and what /readyz said meanwhile. */
    record Result(String method, int connections, Wrk.Counted counted, Map<String, Long> readyz) {

        long mislabelled() {
            return counted.replies().entrySet().stream()
                    .filter(e -> mislabelled(e.getKey()))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        static boolean mislabelled(String kind) {
            return kind.contains("ERROR_DATABASE_UNAVAILABLE")
                    || kind.contains("ERROR_INTERNAL_DATABASE")
                    || kind.contains("ERROR_TASK_EXCEPTION")
                    || (kind.contains("ERROR_SERVICE_UNAVALIABLE") && kind.endsWith("Retry-After=none"));
        }
    }

    /** What the node logged: lines in all, stack-trace lines, and lines about overload. */
    record Log(long lines, long stackLines, long overloadLines, long unavailableLines) {}

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private Overload() {}

    /** Loads {@code node} with {@code connections} on each method in turn for {@code seconds}. */
    static List<Result> run(Wrk wrk, Path script, ServerNode node, Fixture f, int connections, int warmup, int seconds)
            throws IOException, InterruptedException {
        List<String> processing = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            long id = node.call("createTask", Fixture.createTask(f.balanceKey(), Fixture.HOLD, null))
                    .path("taskId")
                    .asLong();
            processing.add(Fixture.getTaskResult(f.balanceKey(), id).toString());
        }
        List<String> balance = List.of(ServerNode.JSON
                .createObjectNode()
                .put("clientKey", f.balanceKey())
                .toString());
        List<String> create =
                List.of(Fixture.createTask(f.balanceKey(), Fixture.HOLD, null).toString());
        String base = node.url("");
        wrk.counted(script, base, "/getBalance", balance, 64, warmup, 10); // JIT warm-up
        List<Result> out = new ArrayList<>();
        out.add(measure(wrk, script, node, "getBalance", balance, connections, seconds));
        out.add(measure(wrk, script, node, "getTaskResult", processing, connections, seconds));
        out.add(measure(wrk, script, node, "createTask", create, connections, seconds));
        return out;
    }

    private static Result measure(
            Wrk wrk, Path script, ServerNode node, String method, List<String> bodies, int connections, int seconds)
            throws IOException, InterruptedException {
        Map<String, AtomicLong> readyz = new ConcurrentHashMap<>();
        AtomicBoolean probing = new AtomicBoolean(true);
        Thread prober = Thread.ofVirtual().start(() -> {
            while (probing.get()) {
                readyz.computeIfAbsent(probe(node), k -> new AtomicLong()).incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Wrk.Counted counted;
        try {
            counted = wrk.counted(script, node.url(""), "/" + method, bodies, connections, seconds, 10);
        } finally {
            probing.set(false);
            prober.join();
        }
        Map<String, Long> said = new TreeMap<>();
        readyz.forEach((k, v) -> said.put(k, v.get()));
        return new Result(method, connections, counted, said);
    }

    private static String probe(ServerNode node) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(node.url("/readyz")))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " "
                    + ServerNode.JSON.readTree(r.body()).path("status").asText();
        } catch (IOException e) {
            return "no answer (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** A record with its stack, as the node's text log writes it: {@code … -- Type: message @ Class.method:1 < …}. */
    private static final java.util.regex.Pattern STACK = java.util.regex.Pattern.compile(" -- .* @ \\S+\\.\\S+:\\d+");

    /**
     * Reads the node's log: its lines, its stack-trace lines (records with their stack, and raw {@code at …} or
     * {@code Caused by} lines), its lines about overload and about the database being unavailable.
     */
    static Log log(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return new Log(
                lines.size(),
                lines.stream()
                        .filter(l -> l.startsWith("\tat ")
                                || l.startsWith("Caused by")
                                || STACK.matcher(l).find())
                        .count(),
                lines.stream().filter(l -> l.contains("overloaded")).count(),
                lines.stream().filter(l -> l.contains("database unavailable")).count());
    }
}
