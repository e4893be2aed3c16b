package dev.solvegate.server.core;

/**
 * The one shape of an expected refusal: a value, or the {@link Refusal} a client is answered with. Checks
 * and decisions return it; failures (a lost connection, a bug) are exceptions, never a {@code Checked}.
 *
 * <p>Thread-safety: immutable when the value is.
 */
public sealed interface Checked<T> {

    /** @param value what the check produced, never null */
    record Ok<T>(T value) implements Checked<T> {}

    /** @param refusal why not */
    record Refused<T>(Refusal refusal) implements Checked<T> {}

    /**
     * This refusal as a refusal of another type, to pass it on; only for a {@link Refused}.
     *
     * @throws IllegalStateException on an {@link Ok}
     */
    default <U> Checked<U> refusedAs() {
        if (this instanceof Refused<T>(Refusal refusal)) {
            return new Refused<>(refusal);
        }
        throw new IllegalStateException("not a refusal: " + this);
    }

    static <T> Checked<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Checked<T> refused(ErrorCode code) {
        return new Refused<>(Refusal.of(code));
    }

    static <T> Checked<T> refused(ErrorCode code, String description) {
        return new Refused<>(new Refusal(code, description));
    }
}
