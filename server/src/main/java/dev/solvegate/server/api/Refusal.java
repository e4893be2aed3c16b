package dev.solvegate.server.api;

import dev.solvegate.server.ErrorCode;

/**
 * An error answer: a catalogue code and the description the client sees (the seed's, or a more precise one
 * that names the rule and the bad value, never a secret).
 */
record Refusal(ErrorCode code, String description) {

    static Refusal of(ErrorCode code) {
        return new Refusal(code, code.description());
    }
}
