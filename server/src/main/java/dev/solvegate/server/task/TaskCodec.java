package dev.solvegate.server.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.proxy.ProxyEndpoint;
import dev.solvegate.proxy.ProxyParse;
import dev.solvegate.proxy.ProxyParser;
import dev.solvegate.server.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored form of a {@link NewTask}: a JSON text in {@code tasks.request}, read back by the worker that
 * runs it (on any node). Thread-safety: stateless.
 */
public final class TaskCodec {

    private TaskCodec() {}

    public static String encode(NewTask t) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("websiteURL", t.websiteUrl());
        o.put("websitePublicKey", t.websitePublicKey());
        o.put("websiteSubdomain", t.websiteSubdomain());
        o.put("proxy", t.proxy().toUri());
        o.put("data", t.data());
        ObjectNode headers = o.putObject("headers");
        t.headers().forEach(headers::put);
        o.put("userAgent", t.userAgent());
        o.put("callbackUrl", t.callbackUrl());
        return o.toString();
    }

    /**
     * A stored task without its proxy's user and password (scheme, host and port stay, for diagnosis): what an
     * ended task keeps. A text that is not one we wrote loses its proxy altogether.
     */
    public static String withoutSecrets(String text) {
        try {
            JsonNode o = Json.MAPPER.readTree(text);
            if (!(o instanceof ObjectNode obj)) {
                return "{}";
            }
            if (ProxyParser.parse(obj.path("proxy").asText()) instanceof ProxyParse.Parsed parsed) {
                ProxyEndpoint p = parsed.endpoint();
                String host = p.host().contains(":") ? "[" + p.host() + "]" : p.host();
                obj.put("proxy", p.scheme().name().toLowerCase(java.util.Locale.ROOT) + "://" + host + ":" + p.port());
            } else {
                obj.remove("proxy");
            }
            return obj.toString();
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    /** Reads a stored task back. @throws IllegalStateException when the stored text is not one we wrote */
    public static NewTask decode(String text) {
        try {
            JsonNode o = Json.MAPPER.readTree(text);
            if (!(ProxyParser.parse(o.path("proxy").asText()) instanceof ProxyParse.Parsed parsed)) {
                throw new IllegalStateException("stored proxy does not parse");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            o.path("headers")
                    .properties()
                    .forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
            return new NewTask(
                    o.path("websiteURL").asText(),
                    o.path("websitePublicKey").asText(),
                    o.path("websiteSubdomain").asText(),
                    parsed.endpoint(),
                    o.path("data").asText("{}"),
                    headers,
                    o.path("userAgent").isTextual() ? o.path("userAgent").asText() : null,
                    o.path("callbackUrl").isTextual() ? o.path("callbackUrl").asText() : null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored task is not JSON", e);
        }
    }
}
