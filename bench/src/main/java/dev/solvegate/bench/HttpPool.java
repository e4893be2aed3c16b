package dev.solvegate.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 keep-alive client for one node: POSTs a JSON body and reads the reply, on a bounded pool of
 * plain sockets, one request per connection at a time. Callers block (they are virtual threads); a caller that
 * finds every connection busy waits for one, so a slow node shows up as waiting, not as fewer requests.
 *
 * <p>Why not the JDK's {@code HttpClient}: its per-request machinery (publishers, futures, a selector thread)
 * cost more CPU per request than this on the two cores the generator shares with the nodes and PostgreSQL, and
 * it hides how many connections it opens. This client parses what solvegate sends (a status line, headers,
 * {@code Content-Length} or chunked bodies) and nothing more.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class HttpPool implements AutoCloseable {

    /** Idle connections older than this are closed rather than reused (the node closes them after 60 s). */
    private static final long STALE_NANOS = 20_000_000_000L;

    /**
     * One reply.
     *
     * @param status the HTTP status
     * @param body the body as UTF-8 text
     */
    record Reply(int status, String body) {}

    private final InetSocketAddress address;
    private final String hostHeader;
    private final Semaphore permits;
    private final int max;
    private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    HttpPool(String host, int port, int maxConnections) {
        this.address = new InetSocketAddress(host, port);
        this.hostHeader = host + ":" + port;
        this.max = maxConnections;
        this.permits = new Semaphore(maxConnections);
    }

    /** Connections the pool may hold at most. */
    int max() {
        return max;
    }

    /** The most connections that were open at once. */
    int peak() {
        return peak.get();
    }

    /**
     * POSTs {@code body} to {@code path} and waits for the reply, at most {@code timeoutMillis} for each read.
     *
     * @throws IOException when the connection fails or the reply is malformed (the connection is closed)
     */
    Reply post(String path, String body, int timeoutMillis) throws IOException, InterruptedException {
        permits.acquire();
        Conn c = null;
        try {
            c = take();
            Reply r = c.exchange(path, body, timeoutMillis);
            if (c.reusable) {
                c.lastUsed = System.nanoTime();
                idle.addFirst(c);
            } else {
                c.close();
            }
            c = null;
            return r;
        } finally {
            if (c != null) {
                c.close();
            }
            permits.release();
        }
    }

    private Conn take() throws IOException {
        long now = System.nanoTime();
        for (Conn c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            if (now - c.lastUsed < STALE_NANOS) {
                return c;
            }
            c.close();
        }
        return new Conn();
    }

    @Override
    public void close() {
        for (Conn c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            c.close();
        }
    }

    /** One socket; used by one caller at a time. */
    private final class Conn {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean reusable = true;
        private boolean closed;
        private long lastUsed;

        Conn() throws IOException {
            socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(address, 5_000);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            in = new BufferedInputStream(socket.getInputStream(), 4096);
            out = socket.getOutputStream();
            peak.accumulateAndGet(open.incrementAndGet(), Math::max);
        }

        Reply exchange(String path, String body, int timeoutMillis) throws IOException {
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + hostHeader
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + payload.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[head.length + payload.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(payload, 0, request, head.length, payload.length);
            socket.setSoTimeout(timeoutMillis);
            out.write(request);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    throw new IOException("malformed header: " + h);
                }
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.equalsIgnoreCase("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    reusable &= !value.equalsIgnoreCase("close");
                }
            }
            byte[] reply;
            if (chunked) {
                reply = chunks();
            } else if (length >= 0) {
                reply = in.readNBytes((int) length);
                if (reply.length != length) {
                    throw new EOFException("reply body cut at " + reply.length + " of " + length + " bytes");
                }
            } else {
                reply = in.readAllBytes();
                reusable = false;
            }
            return new Reply(code, new String(reply, StandardCharsets.UTF_8));
        }

        private byte[] chunks() throws IOException {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (true) {
                String size = line();
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    return all.toByteArray();
                }
                byte[] chunk = in.readNBytes(n);
                if (chunk.length != n) {
                    throw new EOFException("chunk cut at " + chunk.length + " of " + n + " bytes");
                }
                all.write(chunk);
                line();
            }
        }

        /** A line up to CRLF, without it. */
        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed by the node after " + s.length() + " bytes of a line");
                }
                if (b == '\n') {
                    int n = s.length();
                    return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
                }
                s.append((char) b);
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            open.decrementAndGet();
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
