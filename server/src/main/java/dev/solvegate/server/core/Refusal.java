package dev.solvegate.server.core;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answer: a catalogue code and the description the client sees (the seed's, or a more precise one
 * that names the rule and the bad value, never a secret). Thread-safety: immutable.
 */
public record Refusal(ErrorCode code, String description) {

    /** The refusal with the catalogue's own description. */
    public static Refusal of(ErrorCode code) {
        return new Refusal(code, code.description());
    }

    /** The wire format of an error: {@code {"errorId":1,"errorCode":…,"errorDescription":…}}. */
    public ObjectNode body() {
        return Json.MAPPER
                .createObjectNode()
                .put("errorId", 1)
                .put("errorCode", code.name())
                .put("errorDescription", description);
    }
}
