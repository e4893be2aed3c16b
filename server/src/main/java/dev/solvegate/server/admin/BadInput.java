package dev.solvegate.server.admin;

/** An admin request's field broke a rule; answered 400 with a message naming the field and the value. */
final class BadInput extends RuntimeException {

    private final String field;

    BadInput(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
