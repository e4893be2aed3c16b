package dev.solvegate.server.http;

import dev.solvegate.server.config.Config;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guard in front of a listener's HTTP/1.1 connections, for what Helidon 4.5.0 does not do by itself:
 *
 * <ul>
 *   <li><b>closing</b>: after a reply to a request that said {@code Connection: close}, a reply that says it, or a
 *       body that was refused (too large, malformed framing, client gone), the connection is closed; a body that a
 *       handler left unread is read and dropped after the reply (or the connection closed), so that its bytes are
 *       never taken for the next request. Helidon 4.5.0 sends {@code Connection: close} and then reads the next request from the same
 *       connection — after a refused chunked body, the bytes inside the body (helidon-io/helidon#12324, fixed
 *       after 4.5.3 in releases this build cannot use);
 *   <li><b>header and body timeouts</b>: the header lines of a request must arrive within the header timeout
 *       of its request line, its body within the body timeout of its headers; else the connection's thread is
 *       interrupted, which closes its socket (the listener's read timeout does not apply to these reads). An
 *       idle connection, or one sending its request line slowly, is closed by Helidon's own idle timeout, set
 *       here;
 *   <li><b>protocol errors</b> answer catalogue JSON bodies ({@link ProtocolErrors}).
 * </ul>
 *
 * <p>Design note: the phases are seen by Helidon's connection listeners, which run on the connection's own
 * (virtual) thread: the request line read arms a header deadline, the headers a body deadline (when a body
 * follows), and {@link Bodies#read} disarms it once the body is read. A watchdog thread interrupts the thread of
 * a connection whose armed deadline passed. Disarming and firing are one compare-and-set on the deadline, so a
 * connection that just finished its body is either interrupted before it goes on (and then closes at once
 * without touching the database: {@link Bodies#read} sees it lost) or not at all; a request's handler, in the
 * database or not, is never interrupted.
 *
 * <p>Thread-safety: safe for concurrent use; one per listener; {@link #close} stops the watchdog.
 */
public final class Edge implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Edge.class.getName());

    /** The current request's exchange, bound by {@link #filter} for the request's length. */
    private static final ScopedValue<Exchange> EXCHANGE = ScopedValue.newInstance();

    /** The methods whose handlers read the body (through {@link Bodies#read}). */
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    private static final int ARMED = 0;
    private static final int DISARMED = 1;
    private static final int FIRED = 2;

    /** A deadline of one connection's phase. */
    private static final class Deadline {
        final long nanos;
        final String phase;
        final AtomicInteger state = new AtomicInteger(ARMED);

        Deadline(long nanos, String phase) {
            this.nanos = nanos;
            this.phase = phase;
        }
    }

    /** What the guard learns of one request while it runs. */
    private static final class Exchange {
        final Edge edge;
        boolean close;

        Exchange(Edge edge) {
            this.edge = edge;
        }
    }

    private final Config.HttpTimeouts timeouts;
    private final String name;
    private final Map<Thread, Deadline> deadlines = new ConcurrentHashMap<>();
    private final Thread watchdog;
    private volatile boolean running = true;
    /** Connections closed for slow headers and bodies since the last log line; the watchdog's only. */
    private int slowHeaders;

    private int slowBodies;
    private long lastReport = System.nanoTime();

    /** @param name the listener's name, for the log */
    public Edge(Config.HttpTimeouts timeouts, String name) {
        this.timeouts = timeouts;
        this.name = name;
        this.watchdog = Thread.ofPlatform()
                .daemon()
                .name("solvegate-http-watchdog-" + name)
                .start(this::watch);
    }

    /**
     * Sets the listener's limits on {@code server}: the 1 MiB body limit, the idle timeout, the connection
     * listeners that arm the deadlines, and the protocol-error bodies of {@code errors}.
     */
    public void configure(WebServerConfig.Builder server, ProtocolErrors errors) {
        Duration idle = timeouts.idle();
        server.maxPayloadSize(Bodies.MAX_BYTES)
                .idleConnectionTimeout(idle)
                .idleConnectionPeriod(Duration.ofMillis(Math.clamp(idle.toMillis() / 4, 50, 5000)))
                .directHandlers(errors.handlers())
                .protocolsDiscoverServices(false)
                .addProtocol(
                        Http1Config.builder().addReceiveListener(new Phases()).build());
    }

    /** The filter that closes the connection after a reply when it must; the first of the listener's filters. */
    public Filter filter() {
        return this::guard;
    }

    private void guard(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Exchange exchange = new Exchange(this);
        Thread me = Thread.currentThread();
        // no handler reads the body of these methods: their body deadline must not run into the handler
        Deadline before = BODY_METHODS.contains(req.prologue().method().text()) ? null : deadlines.remove(me);
        ScopedValue.where(EXCHANGE, exchange).run(chain::proceed);
        Deadline left = deadlines.remove(me);
        if (!exchange.close
                && (left != null || before != null)
                && !req.content().consumed()) {
            // a body nobody read (a refusal before it, say a wrong token): its bytes stand before the next request,
            // so they are read and dropped — at most 1 MiB, within the body timeout — or the connection closes
            exchange.close = !drain(req);
        }
        if (exchange.close
                || req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            throw new CloseConnectionException("closing after the reply");
        }
    }

    /** Reads and drops the current request's unread body under a fresh body deadline; false when that failed. */
    private boolean drain(RoutingRequest req) {
        arm(timeouts.body(), "body");
        boolean drained;
        try {
            req.content().consume();
            drained = true;
        } catch (RuntimeException e) {
            drained = false;
        }
        Deadline d = deadlines.remove(Thread.currentThread());
        return drained && (d == null || d.state.compareAndSet(ARMED, DISARMED));
    }

    /**
     * Called by the body reader once the current request's body was read, or failed: disarms the body deadline.
     * False when the deadline fired first (the connection is being closed and its thread interrupted).
     */
    static boolean bodyDone() {
        if (!EXCHANGE.isBound()) {
            return true;
        }
        Deadline d = EXCHANGE.get().edge.deadlines.remove(Thread.currentThread());
        return d == null || d.state.compareAndSet(ARMED, DISARMED);
    }

    /** Asks the guard to close the current request's connection after its reply (its body was refused). */
    static void closeAfterReply() {
        if (EXCHANGE.isBound()) {
            EXCHANGE.get().close = true;
        }
    }

    private void arm(Duration timeout, String phase) {
        deadlines.put(Thread.currentThread(), new Deadline(System.nanoTime() + timeout.toNanos(), phase));
    }

    /** Arms the header deadline when a request line is in, the body deadline when its headers are. */
    private final class Phases implements Http1ConnectionListener {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            arm(timeouts.headers(), "headers");
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (headers.contains(HeaderNames.TRANSFER_ENCODING)
                    || headers.first(HeaderNames.CONTENT_LENGTH)
                            .map(v -> !v.strip().equals("0"))
                            .orElse(false)) {
                arm(timeouts.body(), "body");
            } else {
                deadlines.remove(Thread.currentThread());
            }
        }

        @Override
        public void data(ConnectionContext ctx, BufferData data) {}
    }

    private void watch() {
        long tick = Math.clamp(
                Math.min(timeouts.headers().toMillis(), timeouts.body().toMillis()) / 10, 10, 250);
        while (running) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            deadlines.forEach((thread, d) -> {
                if (!thread.isAlive()) {
                    deadlines.remove(thread, d);
                } else if (now - d.nanos > 0 && d.state.compareAndSet(ARMED, FIRED)) {
                    // the entry stays until the thread ends or sees it, so that it cannot miss that it lost
                    if (d.phase.equals("headers")) {
                        slowHeaders++;
                    } else {
                        slowBodies++;
                    }
                    thread.interrupt();
                }
            });
            report(now);
        }
    }

    /** One line per ten seconds at most, however many slow clients: a slowloris must not flood the log. */
    private void report(long now) {
        if ((slowHeaders > 0 || slowBodies > 0) && now - lastReport > 10_000_000_000L) {
            LOG.log(
                    System.Logger.Level.INFO,
                    name + ": closed " + slowHeaders + " connection(s) whose headers and " + slowBodies
                            + " whose body did not arrive in time (timeouts "
                            + timeouts.headers().toMillis()
                            + " ms, " + timeouts.body().toMillis() + " ms)");
            slowHeaders = 0;
            slowBodies = 0;
            lastReport = now;
        }
    }

    @Override
    public void close() {
        running = false;
        watchdog.interrupt();
    }
}
