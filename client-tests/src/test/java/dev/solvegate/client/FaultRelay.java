package dev.solvegate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/1.1 relay in front of a real node, for the client's retry rules: every request that reaches it is
 * recorded (path, headers, body, time), then forwarded to the node over a fresh connection, unless a fault
 * queued for its path says otherwise:
 *
 * <ul>
 *   <li>{@link Kind#DROP_REPLY}: forward the request, let the node answer it in full, then close the client's
 *       connection without a byte of the reply (the reply lost after the request was sent);
 *   <li>{@link Kind#RESET}: reset the client's connection (RST) without forwarding anything;
 *   <li>{@link Kind#UNAVAILABLE}: answer 503 with {@code Retry-After} and a plain-text body, as a gateway does,
 *       without forwarding.
 * </ul>
 *
 * It can also stop listening (the client's connections are then refused) and listen again on the same port,
 * and strip {@code waitSeconds} from getTaskResult bodies, which makes the node behave as a server of the family
 * without long-poll. Each connection carries one exchange ({@code Connection: close} both ways). Thread-safety:
 * safe.
 */
final class FaultRelay implements AutoCloseable {

    enum Kind {
        DROP_REPLY,
        RESET,
        UNAVAILABLE
    }

    record Fault(Kind kind, int retryAfterSeconds) {
        static Fault dropReply() {
            return new Fault(Kind.DROP_REPLY, 0);
        }

        static Fault reset() {
            return new Fault(Kind.RESET, 0);
        }

        static Fault unavailable(int retryAfterSeconds) {
            return new Fault(Kind.UNAVAILABLE, retryAfterSeconds);
        }
    }

    /** A request as it reached the relay; {@code fault} is what was done to it (null: relayed as is). */
    record Seen(String path, Map<String, String> headers, JsonNode body, long atNanos, Kind fault) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int upstreamPort;
    private final int port;
    private final Map<String, Queue<Fault>> faults = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile boolean stripWaitSeconds;
    private volatile ServerSocket server;
    private volatile Thread acceptor;

    FaultRelay(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        ServerSocket s = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        listen(s);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Queues {@code fault} for the next request to {@code path} (e.g. {@code /createTask}) that has none yet. */
    void inject(String path, Fault fault) {
        faults.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).add(fault);
    }

    /** From now on getTaskResult bodies reach the node without {@code waitSeconds}. */
    void stripWaitSeconds() {
        stripWaitSeconds = true;
    }

    /** Requests to {@code path} that reached the relay, in arrival order. */
    List<Seen> seen(String path) {
        List<Seen> out = new ArrayList<>();
        for (Seen s : seen) {
            if (s.path().equals(path)) {
                out.add(s);
            }
        }
        return out;
    }

    int count(String path) {
        return seen(path).size();
    }

    /**
     * Closes the listening socket: once this returns, new connections are refused until {@link #listenAgain()}.
     *
     * <p>Closing alone is not enough: while the accept thread is inside {@code accept()} the kernel keeps the
     * socket listening, and a connection made in that window is accepted (measured: about one connect in seven
     * right after {@code close()} got through). So this waits for the accept thread to leave, and a connection
     * it accepted after the close is reset, not served.
     */
    synchronized void stopListening() throws IOException {
        server.close();
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the relay stopped listening", e);
        }
    }

    synchronized void listenAgain() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        listen(s);
    }

    private void listen(ServerSocket s) {
        server = s;
        acceptor = Thread.ofVirtual().name("relay-accept").start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    if (s.isClosed()) { // accepted in the moment after stopListening() or close() closed s
                        client.setSoLinger(true, 0);
                        client.close();
                    } else {
                        Thread.ofVirtual().name("relay").start(() -> serve(client));
                    }
                } catch (IOException closed) {
                    // stopListening() or close()
                }
            }
        });
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(90_000);
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            String path = requestLine[1];
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            if (headers.containsKey("transfer-encoding")) {
                throw new IllegalStateException("the relay reads Content-Length bodies only");
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            JsonNode json = body.length == 0 ? null : JSON.readTree(body);
            Queue<Fault> queued = faults.get(path);
            Fault fault = queued == null ? null : queued.poll();
            seen.add(new Seen(
                    path,
                    Map.copyOf(headers),
                    json == null ? null : json.deepCopy(),
                    System.nanoTime(),
                    fault == null ? null : fault.kind()));
            if (fault != null && fault.kind() == Kind.RESET) {
                client.setSoLinger(true, 0);
                return;
            }
            if (fault != null && fault.kind() == Kind.UNAVAILABLE) {
                byte[] text = "upstream unavailable\n".getBytes(StandardCharsets.US_ASCII);
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: " + fault.retryAfterSeconds()
                                + "\r\nContent-Type: text/plain\r\nContent-Length: " + text.length
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(text);
                out.flush();
                return;
            }
            if (stripWaitSeconds && path.startsWith("/getTaskResult") && json instanceof ObjectNode o) {
                o.remove("waitSeconds");
                body = JSON.writeValueAsBytes(o);
            }
            byte[] reply = forward(requestLine[0] + " " + path + " HTTP/1.1", headers, body);
            if (fault != null && fault.kind() == Kind.DROP_REPLY) {
                return; // the node answered; the client gets nothing but the connection's end
            }
            OutputStream out = client.getOutputStream();
            out.write(reply);
            out.flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Sends the request to the node and answers its whole reply, marked {@code Connection: close}. */
    private byte[] forward(String requestLine, Map<String, String> headers, byte[] body) throws IOException {
        try (Socket upstream = new Socket()) {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
            upstream.setSoTimeout(90_000);
            StringBuilder head = new StringBuilder(requestLine).append("\r\n");
            headers.forEach((name, value) -> {
                if (!name.equals("connection") && !name.equals("content-length") && !name.equals("keep-alive")) {
                    head.append(name).append(": ").append(value).append("\r\n");
                }
            });
            head.append("content-length: ").append(body.length).append("\r\nconnection: close\r\n\r\n");
            OutputStream out = upstream.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            // the node marks its reply Connection: close but need not close at once: read the reply by its framing
            InputStream in = upstream.getInputStream();
            String replyHead = readHead(in);
            if (replyHead == null) {
                throw new IOException("the node closed the connection without a reply");
            }
            StringBuilder rewritten = new StringBuilder();
            long length = -1;
            boolean chunked = false;
            for (String line : replyHead.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length =
                            Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
                if (!lower.startsWith("connection:")) {
                    rewritten.append(line).append("\r\n");
                }
            }
            rewritten.append("Connection: close\r\n\r\n");
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                copyChunks(in, all);
            } else if (length >= 0) {
                all.write(in.readNBytes((int) length));
            } else {
                all.write(in.readAllBytes());
            }
            return all.toByteArray();
        }
    }

    /** Copies a chunked body, its last chunk and trailers included. */
    private static void copyChunks(InputStream in, ByteArrayOutputStream out) throws IOException {
        while (true) {
            String size = readLine(in);
            out.write((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                String trailer;
                do {
                    trailer = readLine(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            out.write(in.readNBytes(n + 2)); // the data and its CRLF
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("the node's reply ended inside a chunk header");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** The request's head up to the blank line, or null when the connection ended first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            last4 = (last4 << 8) | b;
            if (head.size() > 65_536) {
                throw new IOException("request head too long");
            }
        }
        String s = head.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    @Override
    public void close() throws IOException {
        stopListening();
    }
}
