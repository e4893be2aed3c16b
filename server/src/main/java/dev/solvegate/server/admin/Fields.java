package dev.solvegate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Money;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Typed reads of an admin request's JSON fields; each failure names the field. Thread-safety: immutable. */
final class Fields {

    private final JsonNode body;

    Fields(JsonNode body) {
        this.body = body;
    }

    boolean has(String name) {
        return body.has(name) && !body.get(name).isNull();
    }

    /** Whether the field is in the body at all, {@code null} included (to tell "set to null" from "unchanged"). */
    boolean present(String name) {
        return body.has(name);
    }

    /** A string or number field as text, else null. */
    String scalar(String name) {
        JsonNode n = body.get(name);
        return n != null && (n.isTextual() || n.isNumber()) ? n.asText() : null;
    }

    /** The field as JSON text, shortened, for a message. */
    String raw(String name) {
        String text = String.valueOf(body.get(name));
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    String text(String name, int maxLength) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            throw new BadInput(name, name + " is required");
        }
        if (!n.isTextual() || n.asText().isBlank() || n.asText().length() > maxLength) {
            throw new BadInput(name, name + " must be a non-empty string of at most " + maxLength + " characters");
        }
        return n.asText().strip();
    }

    int integer(String name, int min, int max) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            throw new BadInput(name, name + " is required");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
            throw new BadInput(name, name + " must be an integer in " + min + ".." + max + ": " + n);
        }
        return n.asInt();
    }

    Integer optionalInteger(String name, int min, int max) {
        return has(name) ? integer(name, min, max) : null;
    }

    long id(String name) {
        JsonNode n = body.get(name);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() <= 0) {
            throw new BadInput(name, name + " must be a positive integer: " + n);
        }
        return n.asLong();
    }

    /** A decimal amount given as a string (or a number), in micro-units. */
    long money(String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            throw new BadInput(name, name + " is required");
        }
        if (!n.isTextual() && !n.isNumber()) {
            throw new BadInput(name, name + " must be a decimal string such as \"10.5\": " + n);
        }
        try {
            return Money.parse(n.asText());
        } catch (IllegalArgumentException e) {
            throw new BadInput(name, name + ": " + e.getMessage());
        }
    }

    boolean bool(String name) {
        JsonNode n = body.get(name);
        if (n == null || !n.isBoolean()) {
            throw new BadInput(name, name + " must be true or false: " + n);
        }
        return n.asBoolean();
    }

    Boolean optionalBool(String name) {
        return has(name) ? bool(name) : null;
    }

    /** An ISO-8601 instant such as {@code 2027-01-01T00:00:00Z}, in epoch ms. */
    long instant(String name) {
        String text = text(name, 64);
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadInput(name, name + " must be an ISO-8601 instant such as 2027-01-01T00:00:00Z: " + text);
        }
    }

    JsonNode object(String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new BadInput(name, name + " must be a JSON object");
        }
        return n;
    }
}
