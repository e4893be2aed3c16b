package dev.solvegate.puzzle.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real HTTP client for a site on 127.0.0.1, with the calls the tests repeat. */
final class SiteClient {

    /** A reply: status, content type and body parsed as JSON when it is JSON. */
    record Reply(int status, String contentType, String text, JsonNode json) {}

    /** {@link #postRaw}'s answer when the connection closed or was reset before any status line arrived. */
    static final int CLOSED = -1;

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PuzzleSite site;
    private final String base;

    SiteClient(PuzzleSite site) {
        this.site = site;
        this.base = "http://127.0.0.1:" + site.port();
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply send(String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * POSTs {@code body} over a raw socket, writing it on another thread while this one reads, and returns the
     * status of the reply, or {@link #CLOSED} when the connection closed or was reset before a status line came.
     *
     * <p>A server refusing a body by its length may answer and close before the body is sent: then the reply
     * can be lost to the reset, which {@code HttpClient} reports as an exception. Both outcomes are told apart
     * here from a body that was read and answered with another status.
     */
    int postRaw(String path, byte[] body) {
        String line;
        Thread writer;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", site.port()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + site.port()
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

    String newSession(SiteKeys keys) {
        Reply r = post("/api/session", "{\"publicKey\":\"" + keys.publicKey() + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("session not created: " + r);
        }
        return r.json().get("sessionId").asText();
    }

    /** Fetches the current round and answers it right, using the site's own record of the answer. */
    Reply answerRight(String sessionId) {
        Reply round = get("/api/session/" + sessionId + "/round");
        if (round.status() != 200) {
            throw new AssertionError("round not served: " + round);
        }
        int right = site.sessions().find(sessionId).orElseThrow().currentAnswer();
        return post("/api/session/" + sessionId + "/answer", "{\"index\":" + right + "}");
    }

    /** Plays a whole session right and returns the token. */
    String solve(SiteKeys keys) {
        String id = newSession(keys);
        while (true) {
            Reply a = answerRight(id);
            if (a.status() != 200) {
                throw new AssertionError("answer refused: " + a);
            }
            if (a.json().get("state").asText().equals("solved")) {
                return a.json().get("token").asText();
            }
        }
    }

    Reply verify(String privateKey, String token) {
        return post(
                "/api/verify",
                JSON.createObjectNode()
                        .put("privateKey", privateKey)
                        .put("token", token)
                        .toString());
    }

    private Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> res = http.send(
                    b.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String type = res.headers().firstValue("content-type").orElse("");
            JsonNode json = type.startsWith("application/json") ? JSON.readTree(res.body()) : null;
            return new Reply(res.statusCode(), type, res.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
