package dev.solvegate.testkit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.ProxyDialer;
import dev.solvegate.proxy.ProxyEndpoint;
import dev.solvegate.proxy.ProxyScheme;
import dev.solvegate.proxy.TunnelNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The kit's little world for one {@link SolverContract#run()}: its proxy, the site, the tarpit and the
 * unreachable target, and a fresh proxied network per attempt, the same {@link TunnelNetwork} the server
 * gives solvers.
 *
 * <p>Thread-safety: safe for concurrent use; close once at the end.
 */
final class Kit implements AutoCloseable {

    static final String DOMAIN = "solvegate-kit.invalid";

    private final List<String> direct = new CopyOnWriteArrayList<>();
    private final KitProxy proxy;
    private final HttpServer http;
    private final KitTarget site;
    private final KitTarget tarpit;
    private final Targets targets;
    private final ProxyDialer dialer;
    private final ProxyEndpoint endpoint;

    /**
     * @param siteServer the author's server to relay the site to, or null
     * @param siteHandler the handler the kit serves the site with when there is no siteServer, or null for 404s
     */
    Kit(InetSocketAddress siteServer, HttpHandler siteHandler) throws IOException {
        proxy = new KitProxy();
        InetSocketAddress backend = siteServer;
        if (backend == null) {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            http.createContext("/", siteHandler != null ? siteHandler : Kit::notFound);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.start();
            backend = http.getAddress();
        } else {
            http = null;
        }
        site = new KitTarget("site", backend, proxy::isUpstream, direct);
        tarpit = new KitTarget("tarpit", null, proxy::isUpstream, direct);
        targets = new Targets(
                new Target("site." + DOMAIN, site.port()),
                new Target("tarpit." + DOMAIN, tarpit.port()),
                new Target("unreachable." + DOMAIN, freePort()));
        proxy.route(targets.site());
        proxy.route(targets.tarpit());
        proxy.route(targets.unreachable());
        dialer = new ProxyDialer(new AddressGuard(true), Duration.ofSeconds(2), Duration.ofSeconds(5));
        endpoint = new ProxyEndpoint(ProxyScheme.HTTP, "127.0.0.1", proxy.port(), proxy.user(), proxy.password());
    }

    Targets targets() {
        return targets;
    }

    /** A new network for one attempt, tunnelling through the kit's proxy. */
    TunnelNetwork network() {
        return new TunnelNetwork(dialer, endpoint);
    }

    /** Connections to a target that did not come through the proxy. */
    List<String> directConnections() {
        return List.copyOf(direct);
    }

    /** Targets asked of the proxy that the kit does not serve. */
    List<String> refusedTargets() {
        return proxy.refusedTargets();
    }

    private static void notFound(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        byte[] body = "{\"error\":\"solver-testkit: no site configured\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(404, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        site.close();
        tarpit.close();
        proxy.close();
        if (http != null) {
            http.stop(0);
        }
    }
}
