package dev.solvegate.puzzle.solver;

import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.ProxyFailure;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST DOUBLE, NO PROXY: a {@link ProxiedNetwork} that connects straight to the target with plain sockets and
 * speaks a minimal HTTP/1.1 ({@code Connection: close}, http only). It exists so the solver can be tested
 * against a real {@code PuzzleSite} without the engine; the real, proxy-backed network is {@code
 * dev.solvegate.proxy.TunnelNetwork}, tested with the engine. It refuses any target that is not a loopback
 * address, so tests never leave 127.0.0.1.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} closes every socket it opened.
 */
final class DirectNoProxyNetwork implements ProxiedNetwork, AutoCloseable {

    private static final int TIMEOUT_MS = 10_000;
    private static final int MAX_BODY = 4 * 1024 * 1024;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    @Override
    public Socket connect(String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IOException("test network only reaches loopback addresses, not " + host);
        }
        Socket socket = new Socket();
        sockets.add(socket);
        try {
            socket.connect(new InetSocketAddress(address, port), TIMEOUT_MS);
        } catch (ConnectException e) {
            socket.close();
            throw new ProxyFailure(
                    ProxyFailure.Reason.TARGET_UNREACHABLE,
                    "direct connection to " + host + ":" + port + " refused",
                    e);
        }
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    @Override
    public HttpReply send(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException {
        if (!"http".equals(uri.getScheme())) {
            throw new IOException("test network speaks plain http only: " + uri.getScheme());
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        try (Socket socket = connect(uri.getHost(), port)) {
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder();
            String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                target += "?" + uri.getRawQuery();
            }
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(uri.getRawAuthority()).append("\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } finally {
            sockets.removeIf(Socket::isClosed);
        }
    }

    private static HttpReply read(InputStream in) throws IOException {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("malformed status line: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new HashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.put(
                        l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        l.substring(colon + 1).trim());
            }
        }
        byte[] body;
        if (headers.getOrDefault("transfer-encoding", "")
                .toLowerCase(Locale.ROOT)
                .contains("chunked")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                    size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                all.write(exactly(in, size));
                line(in);
            }
            body = all.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = exactly(in, Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readNBytes(MAX_BODY);
        }
        return new HttpReply(code, headers, body);
    }

    private static byte[] exactly(InputStream in, int n) throws IOException {
        if (n < 0 || n > MAX_BODY) {
            throw new IOException("body length out of range 0.." + MAX_BODY + ": " + n);
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("connection closed after " + b.length + " of " + n + " body bytes");
        }
        return b;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing on cleanup; nothing to do
            }
        }
    }
}
