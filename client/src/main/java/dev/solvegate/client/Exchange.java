package dev.solvegate.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One POST of a JSON body to {@code <baseUrl>/<method>} and its reply, body read whatever the status. Plain
 * {@code http} is sent as HTTP/1.1 (no h2c upgrade dance); {@code https} lets the JDK negotiate. Thread-safety:
 * safe (the HttpClient is).
 */
final class Exchange {

    private final HttpClient http;
    private final String base;
    private final boolean plainHttp;

    Exchange(HttpClient http, URI baseUrl) {
        this.http = http;
        String b = baseUrl.toString();
        this.base = b.endsWith("/") ? b : b + "/";
        this.plainHttp = "http".equalsIgnoreCase(baseUrl.getScheme());
    }

    Reply post(String method, ObjectNode body, String idempotencyKey, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + method))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", "solvegate-client")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Wire.bytes(body)));
        if (plainHttp) {
            b.version(HttpClient.Version.HTTP_1_1);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), r.headers(), Wire.parse(r.body()));
    }

    @Override
    public String toString() {
        return base;
    }
}
