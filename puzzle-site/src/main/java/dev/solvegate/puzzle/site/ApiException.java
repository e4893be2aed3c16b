package dev.solvegate.puzzle.site;

/**
 * A request the site refuses: answered as {@code {"error": message, "field": field}} with {@code status}.
 * Messages name the rule and the bad value, never a secret.
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final String field;

    ApiException(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    static ApiException badRequest(String field, String message) {
        return new ApiException(400, field, message);
    }

    static ApiException notFound(String field, String message) {
        return new ApiException(404, field, message);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, null, message);
    }

    int status() {
        return status;
    }

    /** The offending request field, or null when the request as a whole is refused. */
    String field() {
        return field;
    }
}
