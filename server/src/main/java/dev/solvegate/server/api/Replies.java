package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.ErrorStatus;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.http.Http;
import dev.solvegate.server.metrics.RequestMetrics;
import io.helidon.webserver.http.ServerResponse;

/**
 * The one place where the public API's answers become HTTP: JSON bodies, the error status of the mode in force
 * (the catalogue's, or 200 in compatibility mode), and {@code Retry-After} on retryable errors. The node's mode
 * applies until the caller's key is known; from then on {@link #to} gives the replies of the caller's account,
 * which may have chosen its own. Thread-safety: immutable.
 */
public final class Replies {

    private final ErrorStatus mode;
    private final Replies seed;
    private final Replies always200;

    /** @param errorsAs200 {@code SOLVEGATE_ERROR_STATUS=200}: send every error with HTTP 200 */
    public Replies(boolean errorsAs200) {
        this.seed = new Replies(ErrorStatus.SEED);
        this.always200 = new Replies(ErrorStatus.ALWAYS_200);
        this.mode = errorsAs200 ? ErrorStatus.ALWAYS_200 : ErrorStatus.SEED;
    }

    private Replies(ErrorStatus mode) {
        this.mode = mode;
        this.seed = this;
        this.always200 = this;
    }

    /** The replies in {@code accountMode}, or these (the node's mode) when it is null. */
    Replies to(ErrorStatus accountMode) {
        if (accountMode == null || accountMode == mode) {
            return this;
        }
        return accountMode == ErrorStatus.SEED ? seed : always200;
    }

    /** The mode these replies send errors in. */
    ErrorStatus mode() {
        return mode;
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

    /** A success body kept as bytes, {@code errorId} included. */
    void okBytes(ServerResponse res, byte[] body) {
        Http.json(res, 200, body);
    }

    /** {@link #failedTask} with the body kept as bytes. */
    void failedTaskBytes(ServerResponse res, Refusal refusal, byte[] body) {
        RequestMetrics.answered(refusal.code().name());
        Http.json(res, mode.status(refusal.code()), body);
    }

    /** {@code Retry-After} of an overloaded node's answer: the queue moves in milliseconds, not minutes. */
    static final int OVERLOAD_RETRY_AFTER_SECONDS = 1;

    /** What an overloaded node answers: the description that tells it apart from intake being off. */
    static final String OVERLOADED = "Service is overloaded: no database connection was free in time; retry shortly";

    /**
     * The node is past capacity ({@code store.DbGate} turned the request away): {@code ERROR_SERVICE_UNAVALIABLE},
     * retryable, with {@code Retry-After: 1} (not the 30 s of intake switched off: this clears in moments).
     */
    void overloaded(ServerResponse res) {
        Refusal refusal = new Refusal(ErrorCode.ERROR_SERVICE_UNAVALIABLE, OVERLOADED);
        RequestMetrics.answered(refusal.code().name());
        res.header("Retry-After", Integer.toString(OVERLOAD_RETRY_AFTER_SECONDS));
        Http.json(res, mode.status(refusal.code()), refusal.body());
    }

    void refuse(ServerResponse res, ErrorCode code) {
        refuse(res, Refusal.of(code));
    }

    void refuse(ServerResponse res, Refusal refusal) {
        refuse(res, refusal, refusal.body(), true);
    }

    /**
     * A failed task read back: its error body with its id and status, with the error's status but never
     * {@code Retry-After}, since reading the task again changes nothing (the code's retryable flag is about
     * creating a new task).
     */
    void failedTask(ServerResponse res, Refusal refusal, ObjectNode body) {
        refuse(res, refusal, body, false);
    }

    private void refuse(ServerResponse res, Refusal refusal, ObjectNode body, boolean retryAfter) {
        ErrorCode code = refusal.code();
        RequestMetrics.answered(code.name());
        if (retryAfter && code.retryable()) {
            res.header("Retry-After", Integer.toString(code.retryAfterSeconds()));
        }
        Http.json(res, mode.status(code), body);
    }
}
