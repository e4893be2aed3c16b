package dev.solvegate.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.solvegate.server.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Holds every reply the tests get against the OpenAPI document the node serves ({@code GET /openapi.json} on the
 * public listener, {@code GET /admin/openapi.json} on the admin listener), with com.networknt's JSON Schema
 * validator in the OpenAPI 3.1 dialect: a documented route must answer a documented status, with a body that
 * matches that status's schema, and a {@code Retry-After} only where the document names it. A route the
 * document does not list (an unknown path, another team's console) is not checked here.
 *
 * <p>Thread-safety: safe for concurrent use; each document is read once per JVM.
 */
public final class OpenApiCheck {

    /** Which document a reply belongs to. */
    public enum Listener {
        PUBLIC("/openapi.json"),
        ADMIN("/admin/openapi.json");

        /** Where the listener serves its document. */
        public final String path;

        Listener(String path) {
            this.path = path;
        }
    }

    /** A reply that does not match the document. */
    public static final class Mismatch extends AssertionError {
        Mismatch(String message) {
            super(message);
        }
    }

    private record Route(Pattern pattern, String template) {}

    /** One loaded document: its routes, and a schema per (operation, status) with a JSON body. */
    private record Doc(JsonNode doc, List<Route> routes, SchemaRegistry registry, String iri) {}

    private static final Map<Listener, Doc> DOCS = new ConcurrentHashMap<>();

    private OpenApiCheck() {}

    /** Whether {@code path} is the document itself (fetched unchecked). */
    public static boolean isDocument(Listener l, String path) {
        return path.equals(l.path);
    }

    /** Checks one reply; {@code documentText} fetches the served document the first time. */
    public static void check(
            Listener listener,
            java.util.function.Supplier<String> documentText,
            String method,
            String path,
            TestNode.Reply reply) {
        Doc doc = DOCS.computeIfAbsent(listener, l -> load(l, documentText.get()));
        String p = path.replaceAll("\\?.*$", "");
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        String route = null;
        for (Route r : doc.routes()) {
            if (r.pattern().matcher(p).matches()) {
                route = r.template();
                break;
            }
        }
        String m = method.toLowerCase(Locale.ROOT);
        JsonNode op = route == null ? null : doc.doc().path("paths").path(route).get(m);
        if (op == null) {
            return; // not a documented route
        }
        String status = Integer.toString(reply.status());
        JsonNode response = op.path("responses").get(status);
        String where = method + " " + path + " -> " + status;
        if (response == null) {
            throw new Mismatch(where + ": status not documented for " + route + "; body " + reply.raw());
        }
        if (reply.headers().firstValue("Retry-After").isPresent()
                && response.path("headers").get("Retry-After") == null) {
            throw new Mismatch(where + ": Retry-After is not documented for this status");
        }
        JsonNode content = response.get("content");
        if (content == null) {
            if (!reply.raw().isEmpty()) {
                throw new Mismatch(where + ": documented without a body, got " + reply.raw());
            }
            return;
        }
        if (content.get("application/json") == null) {
            return; // text (metrics): nothing to validate
        }
        if (reply.json() == null) {
            throw new Mismatch(where + ": the body is not JSON: " + reply.raw());
        }
        Schema schema = doc.registry()
                .getSchema(SchemaLocation.of(doc.iri() + "#/components/x-check/" + key(op, m, route, status)));
        List<Error> errors = schema.validate(reply.raw(), InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new Mismatch(where + ": the body does not match the document: " + errors + "; body " + reply.raw());
        }
    }

    private static Doc load(Listener l, String text) {
        try {
            ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(text);
            if (!doc.path("openapi").asText().startsWith("3.1")) {
                throw new Mismatch(l.path + " is not an OpenAPI 3.1 document");
            }
            List<Route> routes = new ArrayList<>();
            ObjectNode checks = ((ObjectNode) doc.get("components")).putObject("x-check");
            for (var path : doc.get("paths").properties()) {
                String regex = Pattern.quote(path.getKey()).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
                routes.add(new Route(Pattern.compile(regex), path.getKey()));
                for (var op : path.getValue().properties()) {
                    for (var response : op.getValue().path("responses").properties()) {
                        JsonNode schema = response.getValue().at("/content/application~1json/schema");
                        if (!schema.isMissingNode()) {
                            checks.set(key(op.getValue(), op.getKey(), path.getKey(), response.getKey()), schema);
                        }
                    }
                }
            }
            // the most specific route first: literal paths before templates
            routes.sort((a, b) ->
                    Boolean.compare(a.template().contains("{"), b.template().contains("{")));
            String iri = "https://solvegate.test" + l.path;
            String withChecks = doc.toString();
            SchemaRegistry registry =
                    SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b.schemas(Map.of(iri, withChecks)));
            return new Doc(doc, routes, registry, iri);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(JsonNode op, String method, String route, String status) {
        String id = op.path("operationId").asText(method + route.replaceAll("[^A-Za-z0-9]", "_"));
        return id + "-" + status;
    }
}
