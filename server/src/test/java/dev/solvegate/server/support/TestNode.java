package dev.solvegate.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.node.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real node on random ports over a fresh database, with helpers for the public and admin APIs over real
 * HTTP. Thread-safety: the HTTP helpers may be called from many threads at once.
 */
public final class TestNode implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    /** An HTTP reply: status, headers, raw body and the body as JSON (null when not JSON). */
    public record Reply(int status, HttpHeaders headers, String raw, JsonNode json) {
        public String errorCode() {
            return json == null ? null : json.path("errorCode").asText(null);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
            .build();

    private final Node node;
    private final Config config;

    private TestNode(Node node, Config config) {
        this.node = node;
        this.config = config;
    }

    /**
     * Starts a node on {@code db} with extra environment variables (SOLVEGATE_…) over the defaults, on the
     * database's clock as {@code ./solvegate serve} does.
     */
    public static TestNode start(String dbUrl, String dbUser, Map<String, String> env) {
        return start(dbUrl, dbUser, env, null);
    }

    /** Starts a node on {@code clock}, or on the database's clock when null. */
    public static TestNode start(String dbUrl, String dbUser, Map<String, String> env, Clock clock) {
        Map<String, String> all = new HashMap<>();
        try {
            all.put(
                    "SOLVEGATE_DATA_DIR",
                    Files.createTempDirectory("solvegate-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.put("SOLVEGATE_PORT", "0");
        all.put("SOLVEGATE_ADMIN_PORT", "0");
        all.put("SOLVEGATE_ADMIN_TOKEN", ADMIN_TOKEN);
        // tests leave hanging tasks behind: closing a node need not wait the production grace for them
        all.put("SOLVEGATE_DRAIN_GRACE", "200ms");
        all.put("SOLVEGATE_DB_URL", dbUrl);
        if (dbUser != null) {
            all.put("SOLVEGATE_DB_USER", dbUser);
        }
        all.putAll(env);
        Config config = Config.fromEnv(all);
        TestNode node = new TestNode(clock == null ? Node.start(config, true) : Node.start(config, clock), config);
        PoolCheck.started(node);
        return node;
    }

    public static TestNode start(TestDatabase db, Map<String, String> env) {
        return start(db.freshUrl(), db.user(), env, null);
    }

    public static TestNode start(TestDatabase db, Map<String, String> env, Clock clock) {
        return start(db.freshUrl(), db.user(), env, clock);
    }

    public Node node() {
        return node;
    }

    public Config config() {
        return config;
    }

    public Path dataDir() {
        return config.dataDir();
    }

    /** POSTs a raw body to the public API; the reply is checked against the served OpenAPI document. */
    public Reply post(String path, String body) {
        return checked(
                OpenApiCheck.Listener.PUBLIC,
                "POST",
                path,
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    public Reply post(String path, JsonNode body) {
        return post(path, body.toString());
    }

    /** POSTs {@code body} to the public API with extra request headers. */
    public Reply post(String path, JsonNode body, Map<String, String> headers) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        return checked(OpenApiCheck.Listener.PUBLIC, "POST", path, send(b));
    }

    public Reply get(String path, Map<String, String> headers) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .GET();
        headers.forEach(b::header);
        return checked(OpenApiCheck.Listener.PUBLIC, "GET", path, send(b));
    }

    /** Calls the admin API with the right token. */
    public Reply admin(String method, String path, JsonNode body) {
        return adminAs(ADMIN_TOKEN, method, path, body);
    }

    /** Calls the admin API with {@code token} (null: no Authorization header). */
    public Reply adminAs(String token, String method, String path, JsonNode body) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return checked(OpenApiCheck.Listener.ADMIN, method, path, send(b));
    }

    /** Holds {@code reply} against the document the node serves ({@link OpenApiCheck}); returns it. */
    public Reply checked(OpenApiCheck.Listener listener, String method, String path, Reply reply) {
        if (!OpenApiCheck.isDocument(listener, path)) {
            OpenApiCheck.check(listener, () -> document(listener), method, path, reply);
        }
        return reply;
    }

    private String document(OpenApiCheck.Listener listener) {
        int port = listener == OpenApiCheck.Listener.PUBLIC ? node.port() : node.adminPort();
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + listener.path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .GET();
        Reply r = send(b);
        if (r.status() != 200) {
            throw new AssertionError("cannot read " + listener.path + ": " + r.status() + " " + r.raw());
        }
        return r.raw();
    }

    /** Calls the admin API and insists on a 2xx. */
    public JsonNode adminOk(String method, String path, JsonNode body) {
        Reply r = admin(method, path, body);
        if (r.status() / 100 != 2) {
            throw new AssertionError("admin " + method + " " + path + " -> " + r.status() + " " + r.raw());
        }
        return r.json();
    }

    // ---- fixtures ----

    public static ObjectNode obj() {
        return Json.MAPPER.createObjectNode();
    }

    /** A new account with {@code maxThreads}; returns its id. */
    public long account(int maxThreads, String price) {
        return adminOk(
                        "POST",
                        "/admin/accounts",
                        obj().put("name", "acct").put("maxThreads", maxThreads).put("price", price))
                .get("id")
                .asLong();
    }

    public void credit(long account, String amount) {
        adminOk(
                "POST",
                "/admin/accounts/" + account + "/credits",
                obj().put("amount", amount).put("reason", "test"));
    }

    /** A balance key's secret. */
    public String key(long account) {
        return adminOk("POST", "/admin/accounts/" + account + "/keys", obj())
                .get("clientKey")
                .asText();
    }

    public long pkg(long account, int threads, int hourly, int daily, String expiresAt) {
        return adminOk(
                        "POST",
                        "/admin/accounts/" + account + "/packages",
                        obj().put("name", "pkg")
                                .put("threads", threads)
                                .put("hourlyQuota", hourly)
                                .put("dailyQuota", daily)
                                .put("expiresAt", expiresAt))
                .get("id")
                .asLong();
    }

    public String packageKey(long account, long pkg) {
        return adminOk("POST", "/admin/accounts/" + account + "/keys", obj().put("packageId", pkg))
                .get("clientKey")
                .asText();
    }

    public void template(String publicKey, String solver, String settingsJson) {
        try {
            adminOk(
                    "PUT",
                    "/admin/templates/" + publicKey,
                    obj().put("solver", solver).set("settings", Json.MAPPER.readTree(settingsJson)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode accountView(long account) {
        return adminOk("GET", "/admin/accounts/" + account, null);
    }

    /** Sends a request with the shared client and reads the reply; for other test helpers too. */
    public static Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r =
                    HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
            } catch (IOException e) {
                json = null;
            }
            return new Reply(r.statusCode(), r.headers(), r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Checks that every pooled connection was returned (as {@link PoolCheck} does), then stops the node. */
    @Override
    public void close() {
        PoolCheck.stopped(this);
        try {
            PoolCheck.assertReturned(this, "the tests of this node");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            node.close();
        }
    }
}
