package dev.solvegate.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the harness (a solvegate node, the bare HTTP server): started with its output in a log
 * file, waited on until an HTTP probe answers 200, stopped with SIGTERM then SIGKILL.
 *
 * <p>Thread-safety: not thread-safe; one owner.
 */
final class Proc implements AutoCloseable {

    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(200))
            .build();

    private final String name;
    private final Process process;
    private final long startNanos;
    final Path log;

    private Proc(String name, Process process, long startNanos, Path log) {
        this.name = name;
        this.process = process;
        this.startNanos = startNanos;
        this.log = log;
    }

    /** Starts {@code command} with {@code env} added to this process's environment. */
    static Proc start(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        return new Proc(name, pb.start(), start, log);
    }

    /** The path of the {@code java} running the harness: children run on the same JDK. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** A sibling tool of {@code java} in the same JDK ({@code jcmd}, {@code jfr}). */
    static String jdkTool(String tool) {
        return Path.of(java()).resolveSibling(tool).toString();
    }

    /** A TCP port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Polls {@code url} every {@code pollMillis} until it answers 200; returns the time from launch in ms.
     *
     * @throws IllegalStateException when the process exits or {@code timeout} passes first
     */
    double awaitHttp200(String url, Duration timeout, long pollMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMillis(500))
                .GET()
                .build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (PROBE.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startNanos) / 1e6;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(pollMillis);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
    }

    /** Resident set size from /proc, in MiB; -1 when unknown. */
    double rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** SIGTERM, wait up to {@code graceSeconds}, then SIGKILL. */
    void stop(int graceSeconds) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGKILL at once (a node whose data is thrown away). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            stop(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
