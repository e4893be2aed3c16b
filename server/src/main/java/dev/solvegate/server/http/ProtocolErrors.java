package dev.solvegate.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.metrics.RequestMetrics;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

/**
 * The answers to requests the web server refuses before or while reading them (a malformed request line or
 * header, a request line or headers too long, a body over 1 MiB or with broken chunked framing, an unsupported
 * HTTP version): the web server's status, a JSON body, and the connection closed. The public listener's body is a
 * catalogue error ({@code ERROR_MISSING_REQUEST_DATA} for the 4xx, with a precise description); the admin
 * listener's is its {@code {"error": …}}. The description is fixed per status: nothing of the request is echoed.
 *
 * <p>Thread-safety: immutable.
 */
public final class ProtocolErrors {

    private final BiFunction<ErrorCode, String, ObjectNode> body;

    private ProtocolErrors(BiFunction<ErrorCode, String, ObjectNode> body) {
        this.body = body;
    }

    /** The public API's form: {@code {"errorId":1,"errorCode":…,"errorDescription":…}}. */
    public static ProtocolErrors catalogue() {
        return new ProtocolErrors((code, description) -> Json.MAPPER
                .createObjectNode()
                .put("errorId", 1)
                .put("errorCode", code.name())
                .put("errorDescription", description));
    }

    /** The admin API's form: {@code {"error": …}}. */
    public static ProtocolErrors admin() {
        return new ProtocolErrors(
                (code, description) -> Json.MAPPER.createObjectNode().put("error", description));
    }

    /** Helidon's direct handlers, one for every kind of event. */
    DirectHandlers handlers() {
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            b.addHandler(type, this::answer);
        }
        return b.build();
    }

    private DirectHandler.TransportResponse answer(
            DirectHandler.TransportRequest request,
            DirectHandler.EventType type,
            Status status,
            ServerResponseHeaders headers,
            String message) {
        ErrorCode code = code(status);
        RequestMetrics.answered(code.name());
        byte[] bytes = body.apply(code, description(status)).toString().getBytes(StandardCharsets.UTF_8);
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(bytes)
                .keepAlive(false)
                .build();
    }

    static ErrorCode code(Status status) {
        if (status.code() == 503) {
            return ErrorCode.ERROR_SERVICE_UNAVALIABLE;
        }
        return status.code() < 500 ? ErrorCode.ERROR_MISSING_REQUEST_DATA : ErrorCode.ERROR_TASK_EXCEPTION;
    }

    static String description(Status status) {
        return switch (status.code()) {
            case 413 -> "Request body is larger than " + (Bodies.MAX_BYTES >> 20) + " MiB";
            case 414 -> "Request line is too long";
            case 431 -> "Request headers are too large";
            case 501 -> "Request transfer encoding is not supported";
            case 503 -> "Too many concurrent requests";
            case 505 -> "HTTP version not supported";
            default -> status.code() < 500 ? "Malformed HTTP request" : "Internal server error";
        };
    }
}
