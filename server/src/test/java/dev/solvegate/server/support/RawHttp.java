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

    /**
     * What a server sent on one connection: every byte until it closed (or reset) the connection or {@code wait}
     * ran out, and how long that took.
     *
     * @param closed whether the server closed or reset the connection (else the wait ran out)
     */
    public record Heard(String text, boolean closed, long millis) {
        /** The statuses of the replies heard, in order. */
        public java.util.List<Integer> statuses() {
            Matcher m = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ").matcher(text);
            java.util.List<Integer> out = new java.util.ArrayList<>();
            while (m.find()) {
                out.add(Integer.parseInt(m.group(1)));
            }
            return out;
        }

        /** The body after the last reply's headers. */
        public String lastBody() {
            int i = text.lastIndexOf("\r\n\r\n");
            return i < 0 ? "" : text.substring(i + 4);
        }
    }

    private RawHttp() {}

    /**
     * Sends {@code request} (on another thread, so a server that answers and closes early is heard) and listens
     * until the server closes the connection or {@code wait} runs out.
     */
    public static Heard talk(int port, byte[] request, Duration wait) {
        long start = System.nanoTime();
        StringBuilder heard = new StringBuilder();
        boolean closed = false;
        Thread writer;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) wait.toMillis());
            OutputStream out = socket.getOutputStream();
            writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException refused) {
                    // the server closed or reset the connection before taking everything
                }
            });
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) != -1; ) {
                    heard.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
                closed = true;
            } catch (java.net.SocketTimeoutException e) {
                closed = false;
            } catch (SocketException reset) {
                closed = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Heard(heard.toString(), closed, (System.nanoTime() - start) / 1_000_000);
    }

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
