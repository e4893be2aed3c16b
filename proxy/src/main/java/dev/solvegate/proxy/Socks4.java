package dev.solvegate.proxy;

import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.ProxyFailure.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The SOCKS4 CONNECT handshake; host names go as SOCKS4a so the proxy resolves them. SOCKS4 has no password:
 * the proxy user is sent as the user id. Thread-safety: stateless.
 */
final class Socks4 {

    private Socks4() {}

    static void handshake(HandshakeIo io, ProxyEndpoint proxy, String host, int port) throws IOException {
        InetAddress literal = Hosts.literal(host);
        if (literal != null && !(literal instanceof Inet4Address)) {
            throw new ProxyFailure(Reason.TARGET_UNREACHABLE, "socks4 cannot carry an IPv6 target: " + host);
        }
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(4);
        req.write(1);
        req.write(port >> 8);
        req.write(port);
        req.writeBytes(literal != null ? literal.getAddress() : new byte[] {0, 0, 0, 1});
        req.writeBytes(proxy.user().getBytes(StandardCharsets.UTF_8));
        req.write(0);
        if (literal == null) {
            req.writeBytes(host.getBytes(StandardCharsets.US_ASCII));
            req.write(0);
        }
        io.write(req.toByteArray());
        byte[] reply = io.readFully(8);
        if (reply[0] != 0 && reply[0] != 4) {
            throw io.garbage("version byte " + (reply[0] & 0xff));
        }
        int code = reply[1] & 0xff;
        switch (code) {
            case 0x5a -> {}
            case 0x5b ->
                throw new ProxyFailure(
                        Reason.TARGET_UNREACHABLE,
                        "socks4 proxy rejected or failed the connection to " + host + ":" + port);
            case 0x5c, 0x5d ->
                throw new ProxyFailure(
                        Reason.AUTH_FAILED,
                        "socks4 proxy rejected user id " + proxy.user() + " (code 0x" + Integer.toHexString(code)
                                + ")");
            default -> throw io.garbage("reply code 0x" + Integer.toHexString(code));
        }
    }
}
