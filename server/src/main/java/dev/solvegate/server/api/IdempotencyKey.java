package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import java.util.Optional;

/**
 * createTask's {@code Idempotency-Key}: the header, else the body's {@code idempotencyKey}; 1 to 255 visible
 * ASCII characters (0x21–0x7E). Thread-safety: stateless.
 */
final class IdempotencyKey {

    static final HeaderName HEADER = HeaderNames.create("Idempotency-Key");

    private static final String RULE = "Idempotency-Key must be 1 to 255 visible ASCII characters";

    private IdempotencyKey() {}

    /** The key, empty when none was given, or the refusal of a malformed one. */
    static Checked<Optional<String>> read(Optional<String> header, JsonNode bodyField) {
        if (header.isPresent()) {
            return check(header.get());
        }
        if (bodyField == null || bodyField.isNull()) {
            return Checked.ok(Optional.empty());
        }
        if (!bodyField.isTextual()) {
            return Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, "idempotencyKey must be a string: " + RULE);
        }
        return check(bodyField.asText());
    }

    private static Checked<Optional<String>> check(String key) {
        if (key.isEmpty() || key.length() > 255) {
            return Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, RULE + " (got " + key.length() + ")");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Checked.refused(
                        ErrorCode.ERROR_MISSING_REQUEST_DATA,
                        RULE + " (character " + (i + 1) + " is U+" + String.format("%04X", (int) c) + ")");
            }
        }
        return Checked.ok(Optional.of(key));
    }
}
