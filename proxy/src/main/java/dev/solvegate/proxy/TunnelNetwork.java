package dev.solvegate.proxy;

import dev.solvegate.spi.ProxiedNetwork;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One solve attempt's network: every connection is a tunnel through the task's proxy, and {@link #close()}
 * closes every socket it opened, including tunnels still in their handshake.
 *
 * <p>HTTPS is TLS layered over the tunnel with hostname verification ({@code HTTPS} endpoint identification)
 * and SNI, using the platform trust store unless an {@link SSLContext} is given.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} may be called from any thread at any time.
 */
public final class TunnelNetwork implements ProxiedNetwork, AutoCloseable {

    /** Default cap on a response body read by {@link #send}. */
    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

    /** Default limit for each read of a response. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    private final ProxyDialer dialer;
    private final ProxyEndpoint proxy;
    private final SSLContext sslContext;
    private final int readTimeoutMillis;
    private final int maxBodyBytes;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A network with the platform's TLS trust, default read timeout and body cap. */
    public TunnelNetwork(ProxyDialer dialer, ProxyEndpoint proxy) {
        this(dialer, proxy, Tls.platformContext(), DEFAULT_READ_TIMEOUT, DEFAULT_MAX_BODY_BYTES);
    }

    /** A network with the given TLS context, default read timeout and body cap. */
    public TunnelNetwork(ProxyDialer dialer, ProxyEndpoint proxy, SSLContext sslContext) {
        this(dialer, proxy, sslContext, DEFAULT_READ_TIMEOUT, DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * @param sslContext the TLS context for https (tests pass one that trusts their own certificate)
     * @param readTimeout the limit for each read of a response, positive
     * @param maxBodyBytes the largest response body {@link #send} accepts
     */
    public TunnelNetwork(
            ProxyDialer dialer, ProxyEndpoint proxy, SSLContext sslContext, Duration readTimeout, int maxBodyBytes) {
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
        if (readTimeoutMillis <= 0 || maxBodyBytes < 0) {
            throw new IllegalArgumentException(
                    "readTimeout must be positive and maxBodyBytes non-negative: " + readTimeout + ", " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public Socket connect(String host, int port) throws IOException {
        open.removeIf(Socket::isClosed);
        ensureOpen();
        try {
            Socket socket = dialer.open(proxy, host, port, this::track);
            ensureOpen();
            return socket;
        } catch (IOException e) {
            if (closed) {
                throw new IOException("tunnel network closed while connecting to " + host + ":" + port, e);
            }
            throw e;
        }
    }

    @Override
    public HttpReply send(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http or https URI: " + uri);
        }
        boolean tls = scheme.equals("https");
        String host = uri.getHost().replaceAll("^\\[(.*)]$", "$1");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        Socket socket = connect(host, port);
        try {
            if (tls) {
                socket = startTls(socket, host, port);
            }
            socket.setSoTimeout(readTimeoutMillis);
            return HttpExchange.exchange(socket, method, uri, host, port, headers, body, maxBodyBytes);
        } finally {
            ProxyDialer.closeQuietly(socket);
            open.remove(socket);
        }
    }

    private Socket startTls(Socket tunnel, String host, int port) throws IOException {
        track(tunnel);
        SSLSocket ssl = Tls.wrap(sslContext, tunnel, host, port, readTimeoutMillis);
        track(ssl);
        return ssl;
    }

    private void track(Socket socket) {
        open.add(socket);
        if (closed) {
            ProxyDialer.closeQuietly(socket);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("tunnel network closed");
        }
    }

    /** Number of sockets opened here and not yet closed: for tests and metrics. */
    int openSockets() {
        open.removeIf(Socket::isClosed);
        return open.size();
    }

    /** Closes every socket this network opened; idempotent, callable from any thread. */
    @Override
    public void close() {
        closed = true;
        for (Socket socket : open) {
            ProxyDialer.closeQuietly(socket);
        }
        open.clear();
    }
}
