package dev.solvegate.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The task API's JSON: request bodies out, replies in. Whatever the HTTP status, a body with {@code errorId}
 * decides (0 success, else {@code errorCode}), so both error-status modes read the same. Thread-safety:
 * stateless (the mapper is thread-safe).
 */
final class Wire {

    /** Numbers as BigDecimal, trailing zeros kept: a balance is read exactly as it was sent. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Wire() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(ObjectNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    /** The body as a JSON object, or null when it is empty, not JSON or not an object. */
    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
            return node != null && node.isObject() ? node : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The failure a reply carries, or null when it is a success ({@code errorId} 0). */
    static SolvegateException failure(Reply reply, long taskId, Secrets secrets) {
        JsonNode j = reply.json();
        if (j != null && j.hasNonNull("errorId")) {
            if (j.get("errorId").asText().equals("0")) {
                return null;
            }
            String code = text(j, "errorCode");
            String description = text(j, "errorDescription");
            boolean taskFailed = "failed".equals(text(j, "status"));
            if (code == null || code.isEmpty()) {
                return badReply(reply, "errorId " + j.get("errorId").asText() + " without an errorCode", taskId);
            }
            return new SolvegateException(
                    code,
                    description == null ? "(no description)" : secrets.scrub(description),
                    reply.status(),
                    Retryable.code(code),
                    taskFailed,
                    taskId,
                    null);
        }
        // not the API's JSON: a gateway in front of the server that is down or overloaded is worth another try
        int status = reply.status();
        boolean gateway = status == 502 || status == 503 || status == 504;
        return new SolvegateException(
                SolvegateException.BAD_REPLY,
                "HTTP " + status + " with " + (j == null ? "a body that is not a JSON object" : "no errorId"),
                status,
                gateway,
                false,
                taskId,
                null);
    }

    static long taskId(Reply reply) {
        JsonNode id = reply.json().get("taskId");
        long value = 0;
        if (id != null && id.isIntegralNumber() && id.canConvertToLong()) {
            value = id.asLong();
        } else if (id != null && id.isTextual() && id.asText().matches("[0-9]{1,18}")) {
            value = Long.parseLong(id.asText());
        }
        if (value <= 0) {
            throw badReply(reply, "createTask answered without a positive taskId", 0);
        }
        return value;
    }

    static TaskResult taskResult(long taskId, Reply reply) {
        JsonNode j = reply.json();
        String status = text(j, "status");
        if ("processing".equals(status)) {
            return TaskResult.processing(taskId);
        }
        if (!"ready".equals(status)) {
            throw badReply(reply, "getTaskResult answered an unknown status: " + status, taskId);
        }
        String token = text(j.path("solution"), "token");
        if (token == null || token.isEmpty()) {
            throw badReply(reply, "a ready task without solution.token", taskId);
        }
        return TaskResult.ready(new Solution(
                taskId,
                token,
                decimal(reply, j.get("cost"), taskId),
                text(j, "ip"),
                epochSeconds(j.get("createTime")),
                epochSeconds(j.get("endTime")),
                j.path("solveCount").asInt(0)));
    }

    static Balance balance(Reply reply) {
        JsonNode j = reply.json();
        BigDecimal balance = decimal(reply, j.get("balance"), 0);
        if (balance == null) {
            throw badReply(reply, "getBalance answered without a balance", 0);
        }
        JsonNode p = j.get("package");
        PackageInfo info = p == null || !p.isObject()
                ? null
                : new PackageInfo(
                        text(p, "name"),
                        p.path("threads").asInt(),
                        p.path("hourlyQuota").asLong(),
                        p.path("hourlyUsed").asLong(),
                        p.path("dailyQuota").asLong(),
                        p.path("dailyUsed").asLong(),
                        instant(text(p, "expiresAt")),
                        p.path("paused").asBoolean());
        return new Balance(balance, info);
    }

    private static SolvegateException badReply(Reply reply, String what, long taskId) {
        return new SolvegateException(SolvegateException.BAD_REPLY, what, reply.status(), false, false, taskId, null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static BigDecimal decimal(Reply reply, JsonNode n, long taskId) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        try {
            return new BigDecimal(n.asText());
        } catch (NumberFormatException e) {
            throw badReply(reply, "not a decimal: " + n.asText(), taskId);
        }
    }

    private static Instant epochSeconds(JsonNode n) {
        return n != null && n.isNumber() ? Instant.ofEpochSecond(n.asLong()) : null;
    }

    private static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
