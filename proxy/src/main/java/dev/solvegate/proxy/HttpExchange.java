package dev.solvegate.proxy;

import dev.solvegate.spi.ProxiedNetwork.HttpReply;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/1.1 request and its response on a connected socket, {@code Connection: close}. Bodies are read by
 * Content-Length, chunked transfer coding, or until close, and capped. Thread-safety: stateless.
 */
final class HttpExchange {

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final Set<String> OURS = Set.of("content-length", "transfer-encoding", "connection");

    private HttpExchange() {}

    static HttpReply exchange(
            Socket socket,
            String method,
            URI uri,
            String host,
            int port,
            Map<String, String> headers,
            byte[] body,
            int maxBody)
            throws IOException {
        if (!method.matches("[A-Za-z]+")) {
            throw new IllegalArgumentException("not an HTTP method: " + method);
        }
        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
        out.write(head(method, uri, host, port, headers, body).getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        while (true) {
            String statusLine = line(in);
            if (!statusLine.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
                throw new IOException(
                        "malformed HTTP response: status line " + statusLine.replaceAll("[^\\x20-\\x7e]", "?"));
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> replyHeaders = headers(in);
            if (status / 100 == 1 && status != 101) {
                continue; // interim response: the final one follows
            }
            boolean noBody = method.equalsIgnoreCase("HEAD") || status == 204 || status == 304 || status / 100 == 1;
            byte[] replyBody = noBody ? new byte[0] : body(in, replyHeaders, maxBody);
            return new HttpReply(status, replyHeaders, replyBody);
        }
    }

    private static String head(
            String method, URI uri, String host, int port, Map<String, String> headers, byte[] body) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        String authority =
                (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + (port == (tls ? 443 : 80) ? "" : ":" + port);
        StringBuilder sb = new StringBuilder();
        sb.append(method.toUpperCase(Locale.ROOT)).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean hostGiven = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || h.getValue().matches("(?s).*[\\r\\n\\x00].*")) {
                throw new IllegalArgumentException("invalid request header: " + name);
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (OURS.contains(lower)) {
                continue;
            }
            hostGiven |= lower.equals("host");
            sb.append(name).append(": ").append(h.getValue()).append("\r\n");
        }
        if (!hostGiven) {
            sb.append("Host: ").append(authority).append("\r\n");
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        return sb.append("Connection: close\r\n\r\n").toString();
    }

    private static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (int n = 0; ; n++) {
            String line = line(in);
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || n >= MAX_HEADERS) {
                throw new IOException("malformed HTTP response: header line " + (n + 1));
            }
            headers.put(
                    line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip());
        }
    }

    private static byte[] body(InputStream in, Map<String, String> headers, int maxBody) throws IOException {
        String te = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
        if (te.endsWith("chunked")) {
            return chunked(in, maxBody);
        }
        String length = headers.get("content-length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length);
            } catch (NumberFormatException e) {
                throw new IOException("malformed HTTP response: content-length " + length);
            }
            if (n < 0) {
                throw new IOException("malformed HTTP response: content-length " + length);
            }
            if (n > maxBody) {
                throw tooLarge(maxBody);
            }
            byte[] b = in.readNBytes((int) n);
            if (b.length < n) {
                throw new IOException("HTTP response body ended after " + b.length + " of " + n + " bytes");
            }
            return b;
        }
        byte[] b = in.readNBytes(maxBody + 1);
        if (b.length > maxBody) {
            throw tooLarge(maxBody);
        }
        return b;
    }

    private static byte[] chunked(InputStream in, int maxBody) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed HTTP response: chunk size " + hex.replaceAll("[^\\x20-\\x7e]", "?"));
            }
            if (size < 0) {
                throw new IOException("malformed HTTP response: chunk size " + hex);
            }
            if (size == 0) {
                headers(in); // trailers
                return out.toByteArray();
            }
            if (out.size() + size > maxBody) {
                throw tooLarge(maxBody);
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new IOException("HTTP response ended inside a chunk");
            }
            out.writeBytes(chunk);
            if (!line(in).isEmpty()) {
                throw new IOException("malformed HTTP response: no CRLF after a chunk");
            }
        }
    }

    private static IOException tooLarge(int maxBody) {
        return new IOException("HTTP response body larger than the cap of " + maxBody + " bytes");
    }

    /** A line without its CR LF; an early end of stream is an error. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("HTTP response ended early");
            }
            if (c == '\n') {
                break;
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("malformed HTTP response: line longer than " + MAX_LINE + " bytes");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
