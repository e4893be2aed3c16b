package dev.solvegate.testkit;

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
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kit's HTTP {@code CONNECT} proxy on 127.0.0.1, with Basic authentication, that routes the kit's
 * target names to their local ports and refuses (403) every other target. It remembers the local port of
 * every upstream connection it opens, so a target can tell a tunnelled connection from a direct one.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} from any thread.
 */
final class KitProxy implements AutoCloseable {

    private static final int MAX_HEAD = 8 * 1024;

    private final ServerSocket server;
    private final String user = "kit";
    private final String password;
    private final Map<String, InetSocketAddress> routes = new ConcurrentHashMap<>();
    private final Set<Integer> upstreamPorts = ConcurrentHashMap.newKeySet();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    KitProxy() throws IOException {
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        this.password = HexFormat.of().formatHex(secret);
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("kit-proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** Routes {@code CONNECT host:port} to 127.0.0.1:port. */
    void route(Target target) {
        routes.put(target.authority().toLowerCase(Locale.ROOT), new InetSocketAddress(loopback(), target.port()));
    }

    /** Whether a connection from 127.0.0.1:{@code port} is one of this proxy's upstream connections. */
    boolean isUpstream(int port) {
        return upstreamPorts.contains(port);
    }

    /** The targets asked for that the kit does not serve, in order. */
    List<String> refusedTargets() {
        return List.copyOf(refused);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().name("kit-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            client.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            String[] lines = head == null ? new String[] {""} : head.split("\r\n");
            String[] request = lines[0].split(" ");
            if (request.length != 3) {
                reply(out, "400 Bad Request");
                return;
            }
            if (!authorized(lines)) {
                reply(out, "407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"solver-testkit\"");
                return;
            }
            if (!request[0].equals("CONNECT")) {
                reply(out, "405 Method Not Allowed");
                return;
            }
            InetSocketAddress to = routes.get(request[1].toLowerCase(Locale.ROOT));
            if (to == null) {
                refused.add(request[1]);
                reply(out, "403 Forbidden");
                return;
            }
            upstream = new Socket();
            open.add(upstream);
            upstream.bind(new InetSocketAddress(loopback(), 0));
            upstreamPorts.add(upstream.getLocalPort());
            try {
                upstream.connect(to, 2_000);
            } catch (IOException e) {
                reply(out, "502 Bad Gateway");
                return;
            }
            reply(out, "200 Connection established");
            client.setSoTimeout(0);
            Relay.both(in, client, upstream);
        } catch (IOException e) {
            // the client went away or the kit is closing
        } finally {
            open.remove(client);
            Relay.close(client);
            if (upstream != null) {
                open.remove(upstream);
                Relay.close(upstream);
            }
        }
    }

    private boolean authorized(String[] lines) {
        String expected =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).strip().equalsIgnoreCase("Proxy-Authorization")) {
                return lines[i].substring(colon + 1).strip().equals(expected);
            }
        }
        return false;
    }

    /** The request head up to the blank line, or null when it is too long or ends early. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            String text = head.size() >= 4 && b == '\n' ? head.toString(StandardCharsets.ISO_8859_1) : "";
            if (text.endsWith("\r\n\r\n")) {
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    private static void reply(OutputStream out, String statusAndHeaders) throws IOException {
        out.write(("HTTP/1.1 " + statusAndHeaders + "\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public void close() {
        closed = true;
        Relay.close(server);
        open.forEach(Relay::close);
    }
}
