package dev.solvegate.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A POST over a raw socket, for bodies a server may refuse by their length alone. Such a server can answer 413
 * and close while the body is still being sent; the reply may then be lost to the reset, which {@code
 * HttpClient} reports as an exception. Here the body is written on another thread while this one reads, and a
 * connection closed or reset before any status line is an outcome of its own ({@link #CLOSED}), told apart from
 * a body that was read and answered. Thread-safety: stateless.
 */
public final class RawHttp {

    /** {@link #post}'s answer when the connection closed or was reset before any status line arrived. */
    public static final int CLOSED = -1;

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

    private RawHttp() {}

    /** POSTs {@code body} to 127.0.0.1:{@code port} and returns the reply's status, or {@link #CLOSED}. */
    public static int post(int port, String path, byte[] body) {
        String line;
        Thread writer;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException refused) {
                    // the server closed or reset the connection before taking the whole body
                }
            });
            line = statusLine(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // closing the socket above unblocks a writer stuck on a full send buffer
            if (!writer.join(Duration.ofSeconds(10))) {
                throw new AssertionError("the body writer did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (line.isEmpty()) {
            return CLOSED;
        }
        Matcher m = STATUS_LINE.matcher(line);
        if (!m.lookingAt()) {
            throw new AssertionError("not an HTTP status line: " + line);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The first line read (without CRLF), or what came of it before end of stream or a reset. */
    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        try {
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
        } catch (SocketException reset) {
            // connection reset: the server refused the rest of the body; keep what arrived
        }
        return line.toString();
    }
}
