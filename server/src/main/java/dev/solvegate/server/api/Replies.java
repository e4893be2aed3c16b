package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.http.Http;
import dev.solvegate.server.metrics.RequestMetrics;
import io.helidon.webserver.http.ServerResponse;

/**
 * The one place where the public API's answers become HTTP: JSON bodies, the seed's statuses (or 200 in
 * compatibility mode), and {@code Retry-After} on retryable errors. Thread-safety: immutable.
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
        Http.json(res, 200, out);
    }

    /** A success body that already carries its {@code errorId}. */
    void okBody(ServerResponse res, ObjectNode body) {
        Http.json(res, 200, body);
    }

    void refuse(ServerResponse res, ErrorCode code) {
        refuse(res, Refusal.of(code));
    }

    void refuse(ServerResponse res, Refusal refusal) {
        refuse(res, refusal, refusal.body());
    }

    /** An error answer with {@code body}, such as a failed task's error body with its id and status. */
    void refuse(ServerResponse res, Refusal refusal, ObjectNode body) {
        ErrorCode code = refusal.code();
        RequestMetrics.answered(code.name());
        if (code.retryable()) {
            res.header("Retry-After", Integer.toString(code.retryAfterSeconds()));
        }
        Http.json(res, errorsAs200 ? 200 : code.httpStatus(), body);
    }
}
