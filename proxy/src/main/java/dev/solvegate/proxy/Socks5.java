package dev.solvegate.proxy;

import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.ProxyFailure.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The SOCKS5 CONNECT handshake (RFC 1928) with user/password authentication (RFC 1929); host names go as
 * ATYP 3 so the proxy resolves them. Thread-safety: stateless.
 */
final class Socks5 {

    private Socks5() {}

    static void handshake(HandshakeIo io, ProxyEndpoint proxy, String host, int port) throws IOException {
        byte[] user = proxy.user().getBytes(StandardCharsets.UTF_8);
        byte[] pass = proxy.password().getBytes(StandardCharsets.UTF_8);
        if (user.length > 255 || pass.length > 255) {
            throw new ProxyFailure(Reason.AUTH_FAILED, "socks5 user name and password are limited to 255 bytes each");
        }
        io.write(new byte[] {5, 2, 0, 2});
        byte[] choice = io.readFully(2);
        if (choice[0] != 5) {
            throw io.garbage("version byte " + (choice[0] & 0xff));
        }
        switch (choice[1] & 0xff) {
            case 0 -> {}
            case 2 -> authenticate(io, proxy, user, pass);
            case 0xff -> throw new ProxyFailure(Reason.AUTH_FAILED, "socks5 proxy accepts none of the offered methods");
            default -> throw io.garbage("method 0x" + Integer.toHexString(choice[1] & 0xff) + " was not offered");
        }
        io.write(connectRequest(host, port));
        byte[] head = io.readFully(4);
        if (head[0] != 5) {
            throw io.garbage("version byte " + (head[0] & 0xff));
        }
        int rep = head[1] & 0xff;
        int addressLength =
                switch (head[3]) {
                    case 1 -> 4;
                    case 4 -> 16;
                    case 3 -> io.read();
                    default -> throw io.garbage("address type " + (head[3] & 0xff));
                };
        io.readFully(addressLength + 2);
        if (rep != 0) {
            if (rep > 8) {
                throw io.garbage("reply code " + rep);
            }
            throw new ProxyFailure(
                    Reason.TARGET_UNREACHABLE,
                    "socks5 proxy could not reach " + host + ":" + port + ": " + meaning(rep));
        }
    }

    private static void authenticate(HandshakeIo io, ProxyEndpoint proxy, byte[] user, byte[] pass) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(1);
        req.write(user.length);
        req.writeBytes(user);
        req.write(pass.length);
        req.writeBytes(pass);
        io.write(req.toByteArray());
        byte[] status = io.readFully(2);
        if (status[0] != 1 && status[0] != 5) {
            throw io.garbage("auth version byte " + (status[0] & 0xff));
        }
        if (status[1] != 0) {
            throw new ProxyFailure(Reason.AUTH_FAILED, "socks5 proxy rejected the credentials of user " + proxy.user());
        }
    }

    private static byte[] connectRequest(String host, int port) {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(new byte[] {5, 1, 0});
        InetAddress literal = Hosts.literal(host);
        if (literal != null) {
            req.write(literal instanceof Inet4Address ? 1 : 4);
            req.writeBytes(literal.getAddress());
        } else {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            req.write(3);
            req.write(Math.min(name.length, 255));
            req.write(name, 0, Math.min(name.length, 255));
        }
        req.write(port >> 8);
        req.write(port);
        return req.toByteArray();
    }

    private static String meaning(int rep) {
        return switch (rep) {
            case 1 -> "general failure";
            case 2 -> "not allowed by ruleset";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            default -> "address type not supported";
        };
    }
}
