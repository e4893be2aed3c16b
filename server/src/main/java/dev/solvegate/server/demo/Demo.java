package dev.solvegate.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.proxy.ProxyParse;
import dev.solvegate.proxy.ProxyParser;
import dev.solvegate.puzzle.site.PuzzleSite;
import dev.solvegate.puzzle.site.PuzzleSiteConfig;
import dev.solvegate.puzzle.site.SiteKeys;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.node.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code ./solvegate demo}: a node (the usual configuration from the environment, with proxies on private
 * addresses allowed) plus the reference puzzle site, a local authenticating proxy that tunnels only to that
 * site, a demo account with credit, the {@code puzzle} template and one {@code test} template per outcome.
 *
 * <p>Its data folder is {@value #DATA_DIR} unless {@code SOLVEGATE_DATA_DIR} is set, so that the README's first steps
 * with {@code serve} (on {@code ./data}) never act on the demo's account. Reruns over the same data folder reuse what {@code <data>/demo.json} holds: the site's keys, the template
 * public keys, the proxy password and the client key while it has balance left; ports and the templates'
 * settings are refreshed. See docs/PUZZLE.md, "The demo".
 *
 * <p>Thread-safety: start and close from one thread; the running parts serve concurrently.
 */
final class Demo implements AutoCloseable {

    static final List<String> OUTCOMES =
            List.of("token", "unsolvable", "processing-image", "fingerprint-unavailable", "exception", "hang");
    static final String PROXY_USER = "demo";
    /** The demo's data folder when SOLVEGATE_DATA_DIR is not set. */
    static final String DATA_DIR = "data/demo";

    static final int PROXY_MAX_CONNECTIONS = 256;

    /** A demo-only setting with a bad value; the message names the variable. */
    static final class BadSetting extends RuntimeException {
        BadSetting(String message) {
            super(message);
        }
    }

    private final Deque<AutoCloseable> parts;
    private final DemoProxy proxy;
    private final DemoFacts facts;
    private final Path file;

    private Demo(Deque<AutoCloseable> parts, DemoProxy proxy, DemoFacts facts, Path file) {
        this.parts = parts;
        this.proxy = proxy;
        this.facts = facts;
        this.file = file;
    }

    /**
     * Starts every part, sets up the account and templates, and writes {@code demo.json}; on failure closes what
     * it started.
     *
     * @throws Config.Invalid or {@link BadSetting} for a bad environment variable
     */
    static Demo start(Map<String, String> env, Clock clock) throws IOException, InterruptedException {
        Map<String, String> withPrivate = new HashMap<>(env);
        withPrivate.put("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true");
        String dataDir = env.get("SOLVEGATE_DATA_DIR");
        if (dataDir == null || dataDir.isBlank()) {
            withPrivate.put("SOLVEGATE_DATA_DIR", DATA_DIR); // not serve's ./data: its accounts are not the demo's
        }
        Config config = Config.fromEnv(withPrivate);
        int sitePort = port(env, "SOLVEGATE_DEMO_SITE_PORT", 8090);
        int proxyPort = port(env, "SOLVEGATE_DEMO_PROXY_PORT", 8899);
        Path file = config.dataDir().resolve(DemoFacts.FILE);
        JsonNode previous = DemoFacts.readPrevious(file);

        Deque<AutoCloseable> parts = new ArrayDeque<>();
        try {
            PuzzleSite site = startSite(sitePort);
            parts.push(site);
            SiteKeys keys = siteKeys(site, previous);
            String siteHostPort = "127.0.0.1:" + site.port();
            String proxyPassword = previousProxyPassword(previous);
            DemoProxy proxy = DemoProxy.start(
                    proxyPort,
                    PROXY_USER,
                    proxyPassword,
                    Set.of(siteHostPort, "localhost:" + site.port()),
                    PROXY_MAX_CONNECTIONS);
            parts.push(proxy);
            Node node = Node.start(config, clock); // a port it cannot bind stops it, naming the variable
            parts.push(node);

            String apiBase = "http://127.0.0.1:" + node.port();
            String adminBase = "http://" + adminHost(config.adminBind()) + ":" + node.adminPort();
            DemoSetup setup = new DemoSetup(apiBase, adminBase, node.adminToken());
            String siteUrl = "http://" + siteHostPort;
            setup.putTemplate(
                    keys.publicKey().toString(),
                    "puzzle",
                    Json.MAPPER.createObjectNode().put("siteUrl", siteUrl).put("target", siteHostPort));
            Map<String, String> testKeys = new LinkedHashMap<>();
            for (String outcome : OUTCOMES) {
                String key = uuidOr(previous.path("testTemplates").path(outcome).asText(""));
                setup.putTemplate(
                        key,
                        "test",
                        Json.MAPPER.createObjectNode().put("outcome", outcome).put("delayMs", 0));
                testKeys.put(outcome, key);
            }
            String clientKey = setup.clientKey(previous.path("clientKey").asText(null));
            DemoFacts facts = new DemoFacts(
                    apiBase,
                    adminBase,
                    node.adminToken(),
                    clientKey,
                    keys.publicKey().toString(),
                    siteUrl + "/play",
                    siteHostPort,
                    "http://" + PROXY_USER + ":" + proxyPassword + "@127.0.0.1:" + proxy.port(),
                    siteUrl + "/api/verify",
                    keys.privateKey(),
                    testKeys);
            facts.write(file);
            return new Demo(parts, proxy, facts, file);
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    DemoFacts facts() {
        return facts;
    }

    Path file() {
        return file;
    }

    /** Connections the demo proxy holds open now. */
    int proxyConnections() {
        return proxy.openConnections();
    }

    private static PuzzleSite startSite(int port) {
        String problem = "the demo's puzzle site cannot listen on 127.0.0.1:" + port
                + " (SOLVEGATE_DEMO_SITE_PORT; 0 picks a free port)";
        PuzzleSite site;
        try {
            site = PuzzleSite.start(PuzzleSiteConfig.defaults().withPort(port));
        } catch (RuntimeException e) {
            throw new IllegalStateException(problem + ": " + e.getMessage(), e);
        }
        if (site.port() < 0) { // Helidon logs a failed bind and does not throw
            site.close();
            throw new IllegalStateException(problem + "; see the log above");
        }
        return site;
    }

    /** The previous run's site keys when they are usable, else new random ones. */
    private static SiteKeys siteKeys(PuzzleSite site, JsonNode previous) {
        String publicKey = previous.path("websitePublicKey").asText("");
        String privateKey = previous.path("sitePrivateKey").asText("");
        try {
            return site.registerSite(new SiteKeys(UUID.fromString(publicKey), privateKey));
        } catch (IllegalArgumentException e) {
            return site.registerSite();
        }
    }

    private static String previousProxyPassword(JsonNode previous) {
        if (ProxyParser.parse(previous.path("proxy").asText("")) instanceof ProxyParse.Parsed parsed
                && parsed.endpoint().password().matches("[0-9a-f]{32}")) {
            return parsed.endpoint().password();
        }
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String uuidOr(String text) {
        try {
            return UUID.fromString(text).toString().equals(text.toLowerCase(java.util.Locale.ROOT))
                    ? text.toLowerCase(java.util.Locale.ROOT)
                    : UUID.randomUUID().toString();
        } catch (IllegalArgumentException e) {
            return UUID.randomUUID().toString();
        }
    }

    private static String adminHost(String bind) {
        return switch (bind) {
            case "0.0.0.0", "::", "[::]", "" -> "127.0.0.1";
            default -> bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        };
    }

    static int port(Map<String, String> env, String name, int fallback) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= 0 && v <= 65535) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadSetting(name + ": must be an integer in 0..65535: " + text);
    }

    /** Stops the node (draining it), the proxy and the site, in that order. */
    @Override
    public void close() {
        closeAll(parts);
    }

    private static void closeAll(Deque<AutoCloseable> parts) {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                System.err.println("solvegate demo: stopping a part failed: " + e);
            }
        }
    }
}
