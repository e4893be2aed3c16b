package dev.solvegate.server.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The demo's client proxy: a small HTTP {@code CONNECT} proxy with Basic authentication that relays bytes to an
 * allow-list of {@code host:port} targets (the puzzle site), so it is never an open relay.
 *
 * <p>Design note: one virtual thread per connection (plus one for the upstream-to-client direction of a
 * tunnel); at most {@code maxConnections} connections at once, beyond which a client gets 503 and is closed.
 * The handshake must arrive within {@link #HANDSHAKE_TIMEOUT_MS} and within {@link #MAX_HEADER_BYTES}.
 * Replies: bad request line 400, no or wrong credentials 407, not {@code CONNECT} 405, target not allowed
 * 403, target unreachable 502, else {@code 200 Connection established} and the tunnel.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} may be called from any thread, closes the
 * listener and every open connection, and waits briefly for the accept loop to end.
 */
final class DemoProxy implements AutoCloseable {

    static final int MAX_HEADER_BYTES = 8 * 1024;
    static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    static final int CONNECT_TIMEOUT_MS = 5_000;

    private final ServerSocket server;
    private final byte[] expectedAuth;
    private final Set<String> allowedTargets;
    private final Semaphore slots;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private DemoProxy(
            ServerSocket server, String user, String password, Set<String> allowedTargets, int maxConnections) {
        this.server = server;
        String credentials =
                Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.expectedAuth = ("basic " + credentials).getBytes(StandardCharsets.UTF_8);
        this.allowedTargets = Set.copyOf(allowedTargets);
        this.slots = new Semaphore(maxConnections);
        this.acceptor = Thread.ofVirtual().name("demo-proxy-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds to {@code 127.0.0.1:port} (0 for a free port) and starts accepting.
     *
     * @param allowedTargets the {@code host:port} strings a {@code CONNECT} may name, compared lower-cased
     * @throws IOException when the port cannot be bound
     */
    static DemoProxy start(int port, String user, String password, Set<String> allowedTargets, int maxConnections)
            throws IOException {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
        }
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        } catch (IOException e) {
            server.close();
            throw new IOException("demo proxy cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        DemoProxy proxy = new DemoProxy(server, user, password, allowedTargets, maxConnections);
        proxy.acceptor.start();
        return proxy;
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections open now (handshaking or tunnelling), each counted once. */
    int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!slots.tryAcquire()) {
                refuse(client, "503 Service Unavailable");
                continue;
            }
            open.add(client);
            if (closed) {
                closeQuietly(client);
            }
            Thread.ofVirtual().name("demo-proxy-conn").start(() -> {
                try {
                    serve(client);
                } finally {
                    open.remove(client);
                    closeQuietly(client);
                    slots.release();
                }
            });
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            client.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                reply(out, "400 Bad Request");
                return;
            }
            String[] lines = head.split("\r\n");
            String[] request = lines[0].split(" ");
            if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
                reply(out, "400 Bad Request");
                return;
            }
            if (!authorized(lines)) {
                reply(out, "407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"solvegate-demo\"");
                return;
            }
            if (!request[0].equals("CONNECT")) {
                reply(out, "405 Method Not Allowed");
                return;
            }
            String target = request[1].toLowerCase(Locale.ROOT);
            int colon = target.lastIndexOf(':');
            if (!allowedTargets.contains(target) || colon <= 0) {
                reply(out, "403 Forbidden");
                return;
            }
            upstream = new Socket();
            open.add(upstream);
            try {
                upstream.connect(
                        new InetSocketAddress(
                                target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))),
                        CONNECT_TIMEOUT_MS);
            } catch (IOException | IllegalArgumentException e) {
                reply(out, "502 Bad Gateway");
                return;
            }
            reply(out, "200 Connection established");
            client.setSoTimeout(0);
            relay(in, client, upstream);
        } catch (IOException e) {
            // the client went away or the proxy is closing: nothing to answer
        } finally {
            if (upstream != null) {
                open.remove(upstream);
                closeQuietly(upstream);
            }
        }
    }

    /** Copies both ways until both directions end, or either side fails; bytes already buffered go first. */
    private static void relay(InputStream fromClient, Socket client, Socket upstream) throws IOException {
        InputStream fromUpstream = upstream.getInputStream();
        Thread back = Thread.ofVirtual().name("demo-proxy-relay").start(() -> {
            try {
                fromUpstream.transferTo(client.getOutputStream());
                client.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        });
        try {
            fromClient.transferTo(upstream.getOutputStream());
            upstream.shutdownOutput();
            back.join();
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request head up to the blank line, or null when it is too long or not there. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEADER_BYTES) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    private boolean authorized(String[] lines) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).strip().equalsIgnoreCase("Proxy-Authorization")) {
                String value = lines[i].substring(colon + 1).strip();
                int space = value.indexOf(' ');
                String normal =
                        space < 0 ? value : value.substring(0, space).toLowerCase(Locale.ROOT) + value.substring(space);
                return MessageDigest.isEqual(normal.getBytes(StandardCharsets.UTF_8), expectedAuth);
            }
        }
        return false;
    }

    private static void reply(OutputStream out, String statusAndHeaders) throws IOException {
        out.write(("HTTP/1.1 " + statusAndHeaders + "\r\nContent-Length: 0\r\n"
                        + (statusAndHeaders.startsWith("200") ? "" : "Connection: close\r\n") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void refuse(Socket client, String status) {
        try (client) {
            client.setSoTimeout(1000);
            reply(client.getOutputStream(), status);
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(DemoProxy::closeQuietly);
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
