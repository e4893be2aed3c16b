package dev.solvegate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * createTask → ready, end to end, on an otherwise idle node: one task at a time on the {@code test} template
 * with {@code delayMs} 0, each with a {@code callbackUrl} to a receiver in this process. A sample is the time
 * from just before createTask is sent to the moment its callback arrives, so it includes the createTask round
 * trip, the queue, the solve, the settlement and the callback's own HTTP request: what a client using
 * callbacks sees. Polling was not used because a poll interval would add up to its own length to every
 * sample and its load would disturb the idle node.
 *
 * <p>Tasks run one at a time, so there is no intended send rate that a stall could hide (no coordinated
 * omission); every sample goes into an HdrHistogram (µs, 3 significant digits).
 *
 * <p>Thread-safety: one {@link #run} at a time.
 */
final class EndToEnd implements AutoCloseable {

    private final HttpServer receiver;
    private final ConcurrentHashMap<Long, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, String> statuses = new ConcurrentHashMap<>();

    EndToEnd() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/callback", this::callback);
        receiver.start();
    }

    private void callback(HttpExchange ex) throws IOException {
        long now = System.nanoTime();
        try (InputStream in = ex.getRequestBody()) {
            JsonNode body = ServerNode.JSON.readTree(in);
            long id = body.path("taskId").asLong();
            statuses.put(id, body.path("status").asText());
            arrivals.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(now);
        }
        ex.sendResponseHeaders(204, -1);
        ex.close();
    }

    String callbackUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/callback";
    }

    /** Server-side means over the measured tasks, from the nodes' /metrics, in ms. */
    record ServerSide(double acceptToClaimMs, double acceptToEndMs) {}

    private ServerSide serverSide = new ServerSide(Double.NaN, Double.NaN);

    ServerSide serverSide() {
        return serverSide;
    }

    private static double[] sums(List<ServerNode> nodes) throws IOException, InterruptedException {
        double[] s = new double[4];
        for (ServerNode n : nodes) {
            s[0] += n.metric("solvegate_task_start_delay_seconds_sum");
            s[1] += n.metric("solvegate_task_start_delay_seconds_count");
            s[2] += n.metric("solvegate_task_duration_seconds_sum");
            s[3] += n.metric("solvegate_task_duration_seconds_count");
        }
        return s;
    }

    /** {@code warmup} unmeasured tasks, then {@code count} measured ones, sent to {@code nodes} in turn. */
    Load run(List<ServerNode> nodes, String key, int warmup, int count)
            throws IOException, InterruptedException, ExecutionException {
        double[] before = null;
        Histogram h = new Histogram(60_000_000L, 3);
        long errors = 0;
        long start = System.nanoTime();
        for (int i = 0; i < warmup + count; i++) {
            ServerNode node = nodes.get(i % nodes.size());
            long t0 = System.nanoTime();
            JsonNode reply = node.call("createTask", Fixture.createTask(key, Fixture.FAST, callbackUrl()));
            long id = reply.path("taskId").asLong();
            if (id == 0) {
                throw new IOException("createTask refused: " + reply);
            }
            long arrived;
            try {
                arrived = arrivals.computeIfAbsent(id, k -> new CompletableFuture<>())
                        .get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                errors++;
                continue;
            } finally {
                arrivals.remove(id);
            }
            if (!"ready".equals(statuses.remove(id))) {
                errors++;
            }
            if (i == warmup - 1) {
                before = sums(nodes);
            }
            if (i == warmup) {
                start = t0;
            }
            if (i >= warmup) {
                h.recordValue(Math.max(1, (arrived - t0) / 1000));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] after = sums(nodes);
        if (before != null) {
            serverSide = new ServerSide(
                    1000 * (after[0] - before[0]) / (after[1] - before[1]),
                    1000 * (after[2] - before[2]) / (after[3] - before[3]));
        }
        return new Load(
                count / seconds,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getTotalCount(),
                errors);
    }

    @Override
    public void close() {
        receiver.stop(0);
    }
}
