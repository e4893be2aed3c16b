package dev.solvegate.spi;

import java.util.Map;
import java.util.Optional;

/**
 * A template's settings for its solver: a JSON object as plain Java values (String, Long, Double, Boolean,
 * List, Map, or null).
 *
 * <p>Thread-safety: immutable.
 *
 * @param values the settings, never null
 */
public record SolverSettings(Map<String, Object> values) {

    public SolverSettings {
        values = Map.copyOf(values);
    }

    /** The string setting {@code name}, if present and a string. */
    public Optional<String> string(String name) {
        return values.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** The integral setting {@code name}, if present and a whole number. */
    public Optional<Long> number(String name) {
        return switch (values.get(name)) {
            case Long l -> Optional.of(l);
            case Integer i -> Optional.of(i.longValue());
            case null, default -> Optional.empty();
        };
    }
}
