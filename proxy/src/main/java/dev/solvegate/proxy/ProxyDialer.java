package dev.solvegate.proxy;

import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.ProxyFailure.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Opens TCP tunnels through a client's proxy: HTTP CONNECT, SOCKS4/4a or SOCKS5.
 *
 * <p>The proxy host is resolved and checked by the {@link AddressGuard} once per tunnel, and the socket
 * connects to an address from that check, never to the name, so DNS cannot rebind the proxy to an internal
 * host between the check and the connect. Target host names are sent to the proxy unresolved. Credentials
 * travel only in the handshake of the socket they belong to: no {@code Authenticator}, no global state.
 * Every failure closes the socket and throws {@link ProxyFailure}, whose message never holds the password.
 *
 * <p>Thread-safety: immutable; any number of threads may open tunnels at once.
 */
public final class ProxyDialer {

    private final AddressGuard guard;
    private final int connectTimeoutMillis;
    private final long handshakeTimeoutNanos;

    /**
     * @param guard checks the proxy's addresses before every connect
     * @param connectTimeout the TCP connect limit, per proxy address tried, positive
     * @param handshakeTimeout the limit for the whole proxy handshake after the connect, positive
     */
    public ProxyDialer(AddressGuard guard, Duration connectTimeout, Duration handshakeTimeout) {
        this.guard = Objects.requireNonNull(guard, "guard");
        if (connectTimeout.isNegative()
                || connectTimeout.isZero()
                || handshakeTimeout.isNegative()
                || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "timeouts must be positive: connect=" + connectTimeout + " handshake=" + handshakeTimeout);
        }
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
    }

    /**
     * Opens a tunnel to {@code targetHost:targetPort} through {@code proxy}.
     *
     * @param targetHost a host name (resolved by the proxy) or an IP literal
     * @return a connected socket whose stream is the tunnel; the caller closes it
     * @throws ProxyFailure when the proxy is refused by the guard or the network, rejects the credentials,
     *     cannot reach the target, times out, or answers outside its protocol
     * @throws IllegalArgumentException when the target is not a host name or IP literal, or the port is out of range
     */
    public Socket open(ProxyEndpoint proxy, String targetHost, int targetPort) throws ProxyFailure {
        return open(proxy, targetHost, targetPort, socket -> {});
    }

    /** As {@link #open(ProxyEndpoint, String, int)}, handing the raw socket to {@code onCreate} before use. */
    Socket open(ProxyEndpoint proxy, String targetHost, int targetPort, Consumer<Socket> onCreate) throws ProxyFailure {
        String host = Hosts.canonical(targetHost == null ? "" : targetHost.replaceAll("^\\[(.*)]$", "$1"));
        if (host == null || host.length() > 255) {
            throw new IllegalArgumentException("target is not a host name or IP address: " + targetHost);
        }
        if (targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("target port out of range 1..65535: " + targetPort);
        }
        Socket socket = connect(proxy, onCreate);
        String what = proxy.scheme().name().toLowerCase(java.util.Locale.ROOT);
        try {
            HandshakeIo io = new HandshakeIo(socket, handshakeTimeoutNanos, what);
            switch (proxy.scheme()) {
                case HTTP -> HttpConnect.handshake(io, proxy, host, targetPort);
                case SOCKS4 -> Socks4.handshake(io, proxy, host, targetPort);
                case SOCKS5 -> Socks5.handshake(io, proxy, host, targetPort);
            }
            socket.setSoTimeout(0);
            return socket;
        } catch (ProxyFailure e) {
            closeQuietly(socket);
            throw new ProxyFailure(e.reason(), e.getMessage() + " (proxy " + proxy + ")", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new ProxyFailure(
                    Reason.TIMED_OUT,
                    what + " proxy " + proxy + " did not complete the handshake within "
                            + Duration.ofNanos(handshakeTimeoutNanos).toMillis() + " ms",
                    e);
        } catch (EOFException e) {
            closeQuietly(socket);
            throw new ProxyFailure(Reason.PROTOCOL_ERROR, e.getMessage() + " (" + proxy + ")", e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw new ProxyFailure(
                    Reason.PROTOCOL_ERROR,
                    what + " handshake with " + proxy + " failed: "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    private Socket connect(ProxyEndpoint proxy, Consumer<Socket> onCreate) throws ProxyFailure {
        AddressGuard.Verdict verdict = guard.check(proxy.host());
        if (verdict instanceof AddressGuard.Verdict.Denied(String detail)) {
            throw new ProxyFailure(Reason.REFUSED, "proxy " + proxy + " not used: " + detail);
        }
        IOException last = null;
        for (InetAddress address : ((AddressGuard.Verdict.Allowed) verdict).addresses()) {
            Socket socket = new Socket();
            try {
                onCreate.accept(socket);
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address, proxy.port()), connectTimeoutMillis);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
            }
        }
        if (last instanceof SocketTimeoutException) {
            throw new ProxyFailure(
                    Reason.TIMED_OUT,
                    "connect to proxy " + proxy + " timed out after " + connectTimeoutMillis + " ms",
                    last);
        }
        throw new ProxyFailure(
                Reason.REFUSED,
                "connect to proxy " + proxy + " failed: "
                        + (last == null ? "no address" : last.getClass().getSimpleName() + ": " + last.getMessage()),
                last);
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
