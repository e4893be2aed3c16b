package dev.solvegate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A solvegate node under test: {@code java -jar server/target/solvegate.jar serve} in its own process, with
 * the environment of a benchmark node, and a client for its admin API.
 *
 * <p>Thread-safety: the admin calls are safe for concurrent use; start and stop from one thread.
 */
final class ServerNode implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_TOKEN = "bench-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    final Proc proc;
    final int port;
    final int adminPort;
    final double readyMillis;

    private ServerNode(Proc proc, int port, int adminPort, double readyMillis) {
        this.proc = proc;
        this.port = port;
        this.adminPort = adminPort;
        this.readyMillis = readyMillis;
    }

    /**
     * Starts a node and waits for its {@code /readyz}.
     *
     * @param jar server/target/solvegate.jar
     * @param jvmArgs extra JVM options (heap, JFR)
     * @param env SOLVEGATE_* variables on top of the benchmark defaults (long timeouts and retention, private
     *     addresses allowed so that callbacks may go to 127.0.0.1)
     */
    static ServerNode start(String name, Path jar, Path dir, List<String> jvmArgs, Map<String, String> env)
            throws IOException, InterruptedException {
        int port = Proc.freePort();
        int adminPort = Proc.freePort();
        Map<String, String> all = new HashMap<>();
        all.put("SOLVEGATE_PORT", Integer.toString(port));
        all.put("SOLVEGATE_ADMIN_PORT", Integer.toString(adminPort));
        all.put("SOLVEGATE_ADMIN_TOKEN", ADMIN_TOKEN);
        all.put("SOLVEGATE_DATA_DIR", dir.resolve("data").toString());
        all.put("SOLVEGATE_TASK_TIMEOUT", "7200s");
        all.put("SOLVEGATE_SOLVE_TIMEOUT", "7200s");
        all.put("SOLVEGATE_RESULT_TTL", "7200s");
        all.put("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true");
        all.putAll(env);
        List<String> cmd = new ArrayList<>();
        cmd.add(Proc.java());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("serve");
        Proc p = Proc.start(name, cmd, all, dir.resolve(name + ".log"));
        try {
            double ready = p.awaitHttp200("http://127.0.0.1:" + port + "/readyz", Duration.ofSeconds(240), 5);
            return new ServerNode(p, port, adminPort, ready);
        } catch (RuntimeException | InterruptedException e) {
            p.kill();
            throw e;
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** An admin API call; throws unless the status is 2xx. */
    JsonNode admin(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher pub = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, pub)
                .build();
        HttpResponse<String> res;
        for (int attempt = 1; ; attempt++) {
            try {
                res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
                break;
            } catch (java.net.ConnectException e) {
                // not sent: on a loaded machine a fresh node's admin listener can miss the 2 s connect timeout
                if (attempt == 3) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
        if (res.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + res.statusCode() + ": " + res.body());
        }
        return res.body().isEmpty() ? JSON.nullNode() : JSON.readTree(res.body());
    }

    /** A public API call (POST with a JSON body); returns the reply body whatever its status. */
    JsonNode call(String method, ObjectNode body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url("/" + method)))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return JSON.readTree(
                HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The value of a Prometheus gauge on {@code /metrics} (first series), or NaN. */
    double metric(String name) throws IOException, InterruptedException {
        Matcher m = series(name).matcher(metricsText());
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    /** The sum of all series of a Prometheus meter on {@code /metrics} (a counter over its tags), or 0. */
    double metricSum(String name) throws IOException, InterruptedException {
        Matcher m = series(name).matcher(metricsText());
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    private String metricsText() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Pattern series(String name) {
        return Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$");
    }

    @Override
    public void close() {
        proc.close();
    }
}
