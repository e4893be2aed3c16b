package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.http.OpenApi;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The public listener's OpenAPI document: {@code /openapi/public.json} with each operation's error answers
 * written out from the catalogue ({@link ErrorCode}). An operation lists the codes it can answer in {@code
 * x-error-codes} (and a failed task's in {@code x-failed-task-codes}); from them come one response per
 * catalogue status with exactly the codes of that status, {@code Retry-After} where a code is retryable, and the
 * 200 response's alternative of any of those errors (error-status mode 200). So the document cannot disagree
 * with the catalogue about a status. Thread-safety: stateless.
 */
final class PublicOpenApi {

    private static final String ERROR = "#/components/schemas/Error";

    private PublicOpenApi() {}

    /** The document, made once. */
    static byte[] document() {
        ObjectNode doc = OpenApi.load("public.json");
        ArrayNode all = ((ObjectNode) doc.at("/components/schemas/Error/properties/errorCode")).putArray("enum");
        ArrayNode catalogue = ((ObjectNode) doc.get("info")).putArray("x-error-catalogue");
        for (ErrorCode c : ErrorCode.values()) {
            all.add(c.name());
            catalogue
                    .addObject()
                    .put("code", c.name())
                    .put("status", c.httpStatus())
                    .put("retryable", c.retryable())
                    .put("description", c.description());
        }
        for (var path : doc.get("paths").properties()) {
            for (var op : path.getValue().properties()) {
                expand((ObjectNode) op.getValue());
            }
        }
        return doc.toPrettyString().getBytes(StandardCharsets.UTF_8);
    }

    private static void expand(ObjectNode op) {
        List<ErrorCode> asked = codes(op.get("x-error-codes"));
        List<ErrorCode> failed = codes(op.get("x-failed-task-codes"));
        if (asked.isEmpty() && failed.isEmpty()) {
            return;
        }
        Set<ErrorCode> every = new LinkedHashSet<>(asked);
        every.addAll(failed);
        ObjectNode responses = (ObjectNode) op.get("responses");
        ObjectNode ok = (ObjectNode) responses.get("200").at("/content/application~1json");
        ObjectNode success = (ObjectNode) ok.get("schema");
        ObjectNode either = Json.MAPPER.createObjectNode();
        either.putArray("oneOf").add(success).add(errorWith(every));
        ok.set("schema", either);
        if (asked.stream().anyMatch(ErrorCode::retryable)) {
            retryAfter((ObjectNode) responses.get("200"), " in error-status mode 200");
        }
        Map<Integer, List<ErrorCode>> byStatus = new TreeMap<>();
        every.forEach(c ->
                byStatus.computeIfAbsent(c.httpStatus(), s -> new ArrayList<>()).add(c));
        byStatus.forEach((status, codes) -> {
            ObjectNode r = Json.MAPPER.createObjectNode();
            r.put(
                    "description",
                    String.join(", ", codes.stream().map(Enum::name).toList()));
            if (codes.stream().anyMatch(c -> c.retryable() && asked.contains(c))) {
                retryAfter(r, "");
            }
            r.putObject("content").putObject("application/json").set("schema", errorWith(codes));
            responses.set(Integer.toString(status), r);
        });
    }

    private static void retryAfter(ObjectNode response, String when) {
        ObjectNode headers =
                response.has("headers") ? (ObjectNode) response.get("headers") : response.putObject("headers");
        headers.putObject("Retry-After")
                .put("description", "seconds, on a retryable error" + when + " (never on a failed task read back)")
                .putObject("schema")
                .put("type", "string")
                .put("pattern", "^[0-9]+$");
    }

    private static ObjectNode errorWith(Iterable<ErrorCode> codes) {
        ObjectNode s = Json.MAPPER.createObjectNode().put("$ref", ERROR);
        ArrayNode values = s.putObject("properties").putObject("errorCode").putArray("enum");
        codes.forEach(c -> values.add(c.name()));
        return s;
    }

    private static List<ErrorCode> codes(JsonNode list) {
        List<ErrorCode> out = new ArrayList<>();
        if (list != null) {
            list.forEach(n -> out.add(ErrorCode.valueOf(n.asText())));
        }
        return out;
    }
}
