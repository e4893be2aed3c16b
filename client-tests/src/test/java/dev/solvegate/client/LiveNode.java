package dev.solvegate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.node.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real solvegate node, started in this JVM on random ports over a fresh in-memory H2 database, with the admin
 * calls the tests need (over real HTTP, as an operator would make them). Thread-safety: safe.
 */
final class LiveNode implements AutoCloseable {

    static final String ADMIN_TOKEN = "client-tests-admin-token-0123456789";

    /** Templates of the {@code test} solver, by what they do. */
    static final String TOKEN = "3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11";

    static final String SLOW = "3f1b7a52-0c55-4a8e-9a5a-000000000003";
    static final String UNSOLVABLE = "3f1b7a52-0c55-4a8e-9a5a-00000000000e";
    static final String HANG = "3f1b7a52-0c55-4a8e-9a5a-0000000000aa";

    /** A proxy with a password the tests look for in every message; never dialled (no template has a target). */
    static final String PROXY_PASSWORD = "s3cr3t-proxy-pw";

    static final String PROXY = "http://proxyuser:" + PROXY_PASSWORD + "@203.0.113.7:8080";
    static final BigDecimal PRICE = new BigDecimal("0.000750");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Node node;

    private LiveNode(Node node) {
        this.node = node;
    }

    /** A node with the test templates; {@code env} adds or overrides SOLVEGATE_… variables. */
    static LiveNode start(Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        try {
            all.put(
                    "SOLVEGATE_DATA_DIR",
                    Files.createTempDirectory("solvegate-client-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.put("SOLVEGATE_PORT", "0");
        all.put("SOLVEGATE_ADMIN_PORT", "0");
        all.put("SOLVEGATE_ADMIN_TOKEN", ADMIN_TOKEN);
        all.put("SOLVEGATE_DRAIN_GRACE", "200ms");
        all.put(
                "SOLVEGATE_DB_URL",
                "jdbc:h2:mem:c" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1"
                        + Config.H2_OPTIONS);
        all.putAll(env);
        LiveNode n = new LiveNode(Node.start(Config.fromEnv(all), Clock.systemUTC()));
        n.template(TOKEN, "{\"outcome\":\"token\"}");
        n.template(SLOW, "{\"outcome\":\"token\",\"delayMs\":2500}");
        n.template(UNSOLVABLE, "{\"outcome\":\"unsolvable\",\"delayMs\":100}");
        n.template(HANG, "{\"outcome\":\"hang\"}");
        return n;
    }

    static LiveNode start() {
        return start(Map.of());
    }

    int port() {
        return node.port();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + node.port());
    }

    /** A client of this node (or of {@code base}, e.g. a relay in front of it) with the key and short backoff. */
    static SolvegateClient.Builder client(URI base, String key) {
        return SolvegateClient.builder()
                .baseUrl(base)
                .clientKey(key)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .callTimeout(Duration.ofSeconds(20));
    }

    static FunCaptchaTask task(String publicKey) {
        return FunCaptchaTask.builder()
                .websiteUrl("https://example.org/login")
                .websitePublicKey(publicKey)
                .websiteSubdomain("challenge.example.org")
                .proxy(PROXY)
                .build();
    }

    /** A new account with a balance key: returns the account id and the key. */
    Account account(int maxThreads, String credit) {
        long id = admin(
                        "POST",
                        "/admin/accounts",
                        obj().put("name", "client-test")
                                .put("maxThreads", maxThreads)
                                .put("price", PRICE.toPlainString()))
                .get("id")
                .asLong();
        if (new BigDecimal(credit).signum() != 0) {
            admin(
                    "POST",
                    "/admin/accounts/" + id + "/credits",
                    obj().put("amount", credit).put("reason", "test"));
        }
        String key = admin("POST", "/admin/accounts/" + id + "/keys", obj())
                .get("clientKey")
                .asText();
        return new Account(id, key);
    }

    record Account(long id, String key) {}

    /** A package key of {@code account}. */
    String packageKey(long account, String name, int threads, int hourly, int daily) {
        long pkg = admin(
                        "POST",
                        "/admin/accounts/" + account + "/packages",
                        obj().put("name", name)
                                .put("threads", threads)
                                .put("hourlyQuota", hourly)
                                .put("dailyQuota", daily)
                                .put("expiresAt", "2099-01-01T00:00:00Z"))
                .get("id")
                .asLong();
        return admin("POST", "/admin/accounts/" + account + "/keys", obj().put("packageId", pkg))
                .get("clientKey")
                .asText();
    }

    /** The account as the admin API shows it: balance, held, inFlight, … */
    JsonNode accountView(long account) {
        return admin("GET", "/admin/accounts/" + account, null);
    }

    BigDecimal balance(long account) {
        return new BigDecimal(accountView(account).get("balance").asText());
    }

    /** Tasks in the database, whatever their state: the count a lost reply must not raise. */
    long taskCount() {
        return node.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tasks")
                .mapTo(Long.class)
                .one());
    }

    void intake(boolean on) {
        admin("PUT", "/admin/service", obj().put("acceptingTasks", on));
    }

    void template(String publicKey, String settings) {
        try {
            admin(
                    "PUT",
                    "/admin/templates/" + publicKey,
                    obj().put("solver", "test").set("settings", JSON.readTree(settings)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode admin(String method, String path, JsonNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()))
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new AssertionError("admin " + method + " " + path + " -> " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    @Override
    public void close() {
        node.close();
    }
}
