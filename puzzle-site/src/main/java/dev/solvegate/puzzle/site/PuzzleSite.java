package dev.solvegate.puzzle.site;

import io.helidon.webserver.WebServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The reference challenge site: a small service a website owner embeds so that visitors prove themselves by
 * picking the upright arrow in a few rounds of images, and whose tokens the owner verifies server-side. We own
 * it and allow automated solving of it.
 *
 * <p>Lifecycle: {@link #start} binds and serves; {@link #close} stops. State (sites, sessions) lives in memory
 * and is lost on close.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class PuzzleSite implements AutoCloseable {

    /** Request bodies larger than this are refused with 413. */
    static final long MAX_BODY_BYTES = 16 * 1024;

    private final WebServer server;
    private final Sites sites;
    private final Sessions sessions;

    private PuzzleSite(WebServer server, Sites sites, Sessions sessions) {
        this.server = server;
        this.sites = sites;
        this.sessions = sessions;
    }

    /** Starts a site on {@code config.host():config.port()} with no sites registered. */
    public static PuzzleSite start(PuzzleSiteConfig config) {
        Objects.requireNonNull(config, "config");
        Sites sites = new Sites();
        Sessions sessions = new Sessions(config);
        Api api = new Api(sites, sessions);
        WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(MAX_BODY_BYTES)
                .routing(api::routing)
                .build()
                .start();
        return new PuzzleSite(server, sites, sessions);
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** Registers a new site with a random public key and a random 256-bit private key, and returns them. */
    public SiteKeys registerSite() {
        return registerSite(new SiteKeys(UUID.randomUUID(), Ids.secret()));
    }

    /**
     * Registers a site with the given keys.
     *
     * @throws IllegalArgumentException when the public key or the private key is already registered
     */
    public SiteKeys registerSite(SiteKeys keys) {
        sites.register(keys);
        return keys;
    }

    /** Sessions held in memory now (open, failed, solved or redeemed, not yet swept). */
    public int sessionCount() {
        return sessions.size();
    }

    /** The session store; for this package's tests, which need to know the right answers. */
    Sessions sessions() {
        return sessions;
    }

    @Override
    public void close() {
        server.stop();
    }

    /**
     * Runs a site standalone: {@code --host H} (default 127.0.0.1), {@code --port P} (default 8090), {@code --site
     * PUBLICKEY:PRIVATEKEY} (repeatable). Without {@code --site} one site with random keys is registered and its
     * keys are printed once on standard output, for the operator's console.
     */
    public static void main(String[] args) throws InterruptedException {
        System.setProperty("java.awt.headless", "true");
        PuzzleSiteConfig config = PuzzleSiteConfig.defaults().withPort(8090);
        List<SiteKeys> keys = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--host" -> config = config.withHost(required(args[i], value));
                case "--port" -> config = config.withPort(Integer.parseInt(required(args[i], value)));
                case "--site" -> {
                    String v = required(args[i], value);
                    int colon = v.indexOf(':');
                    if (colon < 0) {
                        throw new IllegalArgumentException("--site must be PUBLICKEY:PRIVATEKEY");
                    }
                    keys.add(new SiteKeys(UUID.fromString(v.substring(0, colon)), v.substring(colon + 1)));
                }
                default ->
                    throw new IllegalArgumentException(
                            "unknown option " + args[i] + " (known: --host, --port, --site)");
            }
            i++;
        }
        PuzzleSite site = start(config);
        if (keys.isEmpty()) {
            SiteKeys k = site.registerSite();
            System.out.println("registered site publicKey=" + k.publicKey() + " privateKey=" + k.privateKey());
        } else {
            keys.forEach(site::registerSite);
            keys.forEach(k -> System.out.println("registered site publicKey=" + k.publicKey()));
        }
        System.out.println("puzzle site listening on http://" + config.host() + ":" + site.port() + "/");
        Runtime.getRuntime().addShutdownHook(new Thread(site::close));
        Thread.currentThread().join();
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
