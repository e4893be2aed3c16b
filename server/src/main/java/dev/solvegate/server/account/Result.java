package dev.solvegate.server.account;

/**
 * A value or the reason there is none: for expected refusals that are not failures.
 *
 * @param value the value, or null when refused
 * @param refusal the refusal, or null when there is a value
 */
public record Result<T, R>(T value, R refusal) {

    public static <T, R> Result<T, R> ok(T value) {
        return new Result<>(value, null);
    }

    public static <T, R> Result<T, R> refused(R refusal) {
        return new Result<>(null, refusal);
    }

    public boolean isOk() {
        return refusal == null;
    }
}
