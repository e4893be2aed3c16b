package dev.solvegate.server.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.support.OpenApiCheck;
import dev.solvegate.server.support.TestNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A solvegate node in a child JVM ({@code Main serve} on this test JVM's class path), so that it can be
 * killed with SIGKILL. Ports are chosen by the node (port 0) and read from its start-up line; its output goes
 * to {@code target/child-logs/<name>.log}.
 *
 * <p>Thread-safety: the HTTP helpers may be called from many threads at once.
 */
final class ChildNode implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("public API on :(\\d+), admin API on [^:]+:(\\d+)");

    private final Process process;
    private final int port;
    private final int adminPort;

    private ChildNode(Process process, int port, int adminPort) {
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
    }

    /** Starts {@code serve} with {@code env} over the defaults and waits until it listens (at most 60 s). */
    static ChildNode start(String name, String dbUrl, String dbUser, Map<String, String> env) throws IOException {
        Path logs = Path.of("target", "child-logs");
        Files.createDirectories(logs);
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
                "-XX:TieredStopAtLevel=1",
                "dev.solvegate.server.Main",
                "serve");
        Map<String, String> all = new HashMap<>();
        all.put("SOLVEGATE_PORT", "0");
        all.put("SOLVEGATE_ADMIN_PORT", "0");
        all.put("SOLVEGATE_ADMIN_TOKEN", TestNode.ADMIN_TOKEN);
        all.put(
                "SOLVEGATE_DATA_DIR",
                Files.createTempDirectory("solvegate-child").toString());
        all.put("SOLVEGATE_DB_URL", dbUrl);
        if (dbUser != null) {
            all.put("SOLVEGATE_DB_USER", dbUser);
        }
        all.put("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true");
        // several nodes share a PostgreSQL whose max_connections (100) other databases use too
        all.put("SOLVEGATE_DB_POOL", "16");
        all.putAll(env);
        pb.environment().putAll(all);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly)); // no orphans if a test dies
        CompletableFuture<int[]> ports = new CompletableFuture<>();
        Writer log = Files.newBufferedWriter(logs.resolve(name + ".log"), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("child-" + name).start(() -> {
            try (log;
                    var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    log.write(line + "\n");
                    log.flush();
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ports.completeExceptionally(
                    new IllegalStateException("child " + name + " ended before it listened; see " + logs));
        });
        try {
            int[] pp = ports.get(60, TimeUnit.SECONDS);
            return new ChildNode(p, pp[0], pp[1]);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("child " + name + " did not start", e);
        }
    }

    /** SIGKILL: no shutdown hook, no drain. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    TestNode.Reply post(String path, JsonNode body) {
        TestNode.Reply r = TestNode.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        OpenApiCheck.check(OpenApiCheck.Listener.PUBLIC, () -> document(port, "/openapi.json"), "POST", path, r);
        return r;
    }

    private static String document(int port, String path) {
        return TestNode.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + TestNode.ADMIN_TOKEN)
                        .GET())
                .raw();
    }

    JsonNode adminOk(String method, String path, JsonNode body) {
        TestNode.Reply r = TestNode.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .header("Authorization", "Bearer " + TestNode.ADMIN_TOKEN)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString())));
        if (r.status() / 100 != 2) {
            throw new AssertionError("admin " + method + " " + path + " -> " + r.status() + " " + r.raw());
        }
        OpenApiCheck.check(
                OpenApiCheck.Listener.ADMIN, () -> document(adminPort, "/admin/openapi.json"), method, path, r);
        return r.json();
    }

    String metrics() {
        return TestNode.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                        .GET())
                .raw();
    }

    /** Stops the node gracefully (SIGTERM, which drains). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
