package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.ErrorStatus;
import dev.solvegate.server.http.Bodies;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.function.Function;

/**
 * A public API request as read: its body (or why it has none that counts) and the live key that sent it, if
 * any. Reading the key first lets every answer, refusals included, follow the error-status mode of the caller's
 * account; the checks still answer in SPEC order. Thread-safety: immutable.
 *
 * @param body the body as a JSON object, or {@code ERROR_MISSING_REQUEST_DATA} saying what is wrong with it
 * @param caller the live key named by the body's {@code clientKey}, if any
 */
record Incoming(Checked<JsonNode> body, Optional<Caller> caller) {

    /** A request's JSON object body and the live key that sent it. */
    record Signed(JsonNode body, Caller caller) {}

    /** Reads the body and looks up its key. */
    static Incoming read(ServerRequest req, AccountStore accounts) {
        return read(req, accounts::caller);
    }

    /** Reads the body and looks up its key with {@code callers} (the secret to its live key). */
    static Incoming read(ServerRequest req, Function<String, Optional<Caller>> callers) {
        return of(object(req), callers);
    }

    /** A body already read ({@link #object}) and the live key that sent it. */
    static Incoming of(Checked<JsonNode> body, AccountStore accounts) {
        return of(body, accounts::caller);
    }

    private static Incoming of(Checked<JsonNode> body, Function<String, Optional<Caller>> callers) {
        Optional<Caller> caller = Optional.empty();
        if (body instanceof Checked.Ok<JsonNode>(JsonNode json)) {
            String key = clientKey(json);
            caller = key == null ? Optional.empty() : callers.apply(key);
        }
        return new Incoming(body, caller);
    }

    /** The mode of the caller's account, or null (the node's) when the caller is not known. */
    ErrorStatus errorStatus() {
        return caller.map(Caller::errorStatus).orElse(null);
    }

    /** The body and its live key: {@code ERROR_MISSING_REQUEST_DATA}, then {@code ERROR_KEY_DOES_NOT_EXIST}. */
    Checked<Signed> signed() {
        if (!(body instanceof Checked.Ok<JsonNode>(JsonNode json))) {
            return body.refusedAs();
        }
        return caller.isEmpty()
                ? Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST)
                : Checked.ok(new Signed(json, caller.get()));
    }

    /** The body as a JSON object, or {@code ERROR_MISSING_REQUEST_DATA} saying what is wrong with it. */
    static Checked<JsonNode> object(ServerRequest req) {
        return switch (Bodies.read(req)) {
            case Bodies.Body.Empty() -> Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA);
            case Bodies.Body.NotJson() ->
                Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, "Request body is not valid JSON");
            case Bodies.Body.Parsed(JsonNode json) ->
                json.isObject()
                        ? Checked.ok(json)
                        : Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, "Request body must be a JSON object");
        };
    }

    /** The body's {@code clientKey} (or {@code ClientKey}), or null when missing, not a string, empty or too long. */
    static String clientKey(JsonNode body) {
        JsonNode key = body.has("clientKey") ? body.get("clientKey") : body.get("ClientKey");
        if (key == null
                || !key.isTextual()
                || key.asText().isEmpty()
                || key.asText().length() > 256) {
            return null;
        }
        return key.asText();
    }
}
