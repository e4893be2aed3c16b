package dev.solvegate.server.core;

import java.util.Locale;
import java.util.Optional;

/**
 * Which HTTP status an error answer travels with: the catalogue's ({@code seed}) or always 200 (compatibility
 * mode, for clients of the anti-captcha family that drop the bodies of non-2xx replies). The node has one
 * ({@code SOLVEGATE_ERROR_STATUS}); an account may choose its own ({@code errorStatus}, admin API), which its
 * keys' replies follow. Thread-safety: immutable.
 */
public enum ErrorStatus {
    SEED("seed"),
    ALWAYS_200("200");

    private final String wire;

    ErrorStatus(String wire) {
        this.wire = wire;
    }

    /** The spelling of the configuration and the admin API: {@code seed} or {@code 200}. */
    public String wire() {
        return wire;
    }

    /** {@code seed} or {@code 200} (any case, surrounding blanks ignored); empty for anything else. */
    public static Optional<ErrorStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "seed" -> Optional.of(SEED);
            case "200" -> Optional.of(ALWAYS_200);
            default -> Optional.empty();
        };
    }

    /** The HTTP status of an answer with {@code code} in this mode. */
    public int status(ErrorCode code) {
        return this == ALWAYS_200 ? 200 : code.httpStatus();
    }
}
