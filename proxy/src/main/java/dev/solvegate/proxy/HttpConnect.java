package dev.solvegate.proxy;

import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.ProxyFailure.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The HTTP CONNECT handshake (RFC 9110 §9.3.6) with Basic proxy authentication. Thread-safety: stateless. */
final class HttpConnect {

    private static final int MAX_HEAD = 16 * 1024;

    private HttpConnect() {}

    static void handshake(HandshakeIo io, ProxyEndpoint proxy, String host, int port) throws IOException {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        String credentials = Base64.getEncoder()
                .encodeToString((proxy.user() + ":" + proxy.password()).getBytes(StandardCharsets.UTF_8));
        String request = "CONNECT " + authority + " HTTP/1.1\r\n"
                + "Host: " + authority + "\r\n"
                + "Proxy-Authorization: Basic " + credentials + "\r\n"
                + "\r\n";
        io.write(request.getBytes(StandardCharsets.ISO_8859_1));
        String statusLine = readHead(io);
        if (!statusLine.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
            throw io.garbage("not an HTTP status line: " + printable(statusLine));
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        if (status / 100 == 2) {
            return;
        }
        if (status == 407 || status == 401) { // tinyproxy answers wrong credentials with 401
            throw new ProxyFailure(Reason.AUTH_FAILED, "http proxy rejected the credentials: " + printable(statusLine));
        }
        throw new ProxyFailure(
                Reason.TARGET_UNREACHABLE, "http proxy could not reach " + authority + ": " + printable(statusLine));
    }

    /** Reads the response head up to the blank line; returns its first line. */
    private static String readHead(HandshakeIo io) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lineLength = 0; // bytes on the current line, not counting CR
        while (true) {
            int b = io.read();
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw io.garbage("response head longer than " + MAX_HEAD + " bytes");
            }
            if (b == '\n') {
                if (lineLength == 0 && head.size() > 2) {
                    break;
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf('\n')).strip();
    }

    private static String printable(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 120 ? t.substring(0, 120) + "…" : t;
    }
}
