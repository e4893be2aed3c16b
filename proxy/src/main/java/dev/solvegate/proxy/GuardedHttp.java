package dev.solvegate.proxy;

import dev.solvegate.spi.ProxiedNetwork.HttpReply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * One direct HTTP/1.1 request to a client-given URL (such as a {@code callbackUrl}) that cannot be turned
 * against the service's own network: the host is resolved once by the {@link AddressGuard}, and the socket
 * connects to an address that passed the check, so a DNS answer that changes between the check and the
 * connection (rebinding) gains nothing. https is verified against the URL's host name (SNI and certificate).
 *
 * <p>Thread-safety: immutable; safe for concurrent use.
 */
public final class GuardedHttp {

    /** The request was not sent: the host is, or resolves to, an address the guard refuses. */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final AddressGuard guard;
    private final SSLContext sslContext;
    private final int timeoutMillis;

    /** @param timeout the limit for connecting, for the TLS handshake and for each read */
    public GuardedHttp(AddressGuard guard, Duration timeout) {
        this(guard, timeout, Tls.platformContext());
    }

    /** As above, with a TLS context (tests pass one that trusts their own certificate). */
    public GuardedHttp(AddressGuard guard, Duration timeout, SSLContext sslContext) {
        this.guard = guard;
        this.sslContext = sslContext;
        this.timeoutMillis = Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
    }

    /**
     * Sends one request and reads the whole reply (bodies over 64 KiB are refused).
     *
     * @throws Refused when the guard refuses the host; nothing was sent
     * @throws IOException when the connection, the handshake or the exchange fails
     */
    public HttpReply send(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http or https URI: " + uri);
        }
        boolean tls = scheme.equals("https");
        String host = uri.getHost().replaceAll("^\\[(.*)]$", "$1");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        AddressGuard.Verdict verdict = guard.check(host);
        if (verdict instanceof AddressGuard.Verdict.Denied(String why)) {
            throw new Refused(why.replace("proxy ", ""));
        }
        Socket socket =
                connect(((AddressGuard.Verdict.Allowed) verdict).addresses().getFirst(), port);
        try {
            if (tls) {
                socket = Tls.wrap(sslContext, socket, host, port, timeoutMillis);
            }
            return HttpExchange.exchange(socket, method, uri, host, port, headers, body, MAX_BODY_BYTES);
        } finally {
            ProxyDialer.closeQuietly(socket);
        }
    }

    private Socket connect(InetAddress address, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            return socket;
        } catch (IOException e) {
            ProxyDialer.closeQuietly(socket);
            throw e;
        }
    }
}
