package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.ErrorCode;
import dev.solvegate.server.metrics.RequestMetrics;
import io.helidon.webserver.http.ServerResponse;

/**
 * The one place where answers become HTTP: JSON bodies, the seed's statuses (or 200 in compatibility mode),
 * and {@code Retry-After} on retryable errors. Thread-safety: immutable.
 */
public final class Replies {

    private final boolean errorsAs200;

    /** @param errorsAs200 {@code SOLVEGATE_ERROR_STATUS=200}: send every error with HTTP 200 */
    public Replies(boolean errorsAs200) {
        this.errorsAs200 = errorsAs200;
    }

    /** A success body; {@code errorId: 0} is added first. */
    void ok(ServerResponse res, ObjectNode body) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("errorId", 0);
        out.setAll(body);
        send(res, 200, out);
    }

    /** An answer for a path that is no API method. */
    public void unknownMethod(ServerResponse res, String path) {
        error(
                res,
                new Refusal(ErrorCode.ERROR_MISSING_REQUEST_DATA, "no such API method: " + TaskFields.abbreviate(path)),
                null);
    }

    public void error(ServerResponse res, ErrorCode code) {
        error(res, new Refusal(code, code.description()), null);
    }

    void error(ServerResponse res, Refusal refusal) {
        error(res, refusal, null);
    }

    /** An error body, with {@code extra} fields (such as a failed task's id and status) added after it. */
    void error(ServerResponse res, Refusal refusal, ObjectNode extra) {
        ErrorCode code = refusal.code();
        RequestMetrics.answered(code.name());
        ObjectNode body = errorBody(code, refusal.description());
        if (extra != null) {
            body.setAll(extra);
        }
        if (code.retryable()) {
            res.header("Retry-After", Integer.toString(code.retryAfterSeconds()));
        }
        send(res, errorsAs200 ? 200 : code.httpStatus(), body);
    }

    /** The error body of the wire format; also what a callback of a failed task carries. */
    public static ObjectNode errorBody(ErrorCode code, String description) {
        return Json.MAPPER
                .createObjectNode()
                .put("errorId", 1)
                .put("errorCode", code.name())
                .put("errorDescription", description);
    }

    static void send(ServerResponse res, int status, ObjectNode body) {
        json(res, status, body.toString());
    }

    /** Sends a JSON text with {@code status}: every listener's replies go through here. */
    public static void json(ServerResponse res, int status, String body) {
        res.status(status);
        res.header("Content-Type", "application/json");
        res.send(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
