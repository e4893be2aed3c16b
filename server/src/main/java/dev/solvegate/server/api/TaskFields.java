package dev.solvegate.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.ProxyEndpoint;
import dev.solvegate.proxy.ProxyParse;
import dev.solvegate.proxy.ProxyParser;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.task.NewTask;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The field rules of createTask's {@code task} object (SPEC §1), checked in the order SPEC lists them: type,
 * URL, public key, subdomain, proxy, data, headers, user agent; then the optional {@code callbackUrl}.
 *
 * <p>Thread-safety: immutable; {@link #check} may resolve the proxy host name (DNS) through the guard.
 */
final class TaskFields {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\\.?(:\\d{1,5})?");
    private static final Pattern IPV6_HOST = Pattern.compile("\\[[0-9a-f:.]+](:\\d{1,5})?");

    private final AddressGuard guard;

    TaskFields(AddressGuard guard) {
        this.guard = guard;
    }

    /** The task, or the first rule it broke. */
    Checked<NewTask> check(JsonNode task, JsonNode callbackUrl) {
        String type = text(task, "type");
        if (type == null || !type.equalsIgnoreCase("FunCaptchaTask")) {
            return invalid(
                    ErrorCode.ERROR_TASK_NOT_SUPPORTED,
                    type == null
                            ? "task.type is required and must be FunCaptchaTask"
                            : "task type is not supported: " + abbreviate(type));
        }
        String url = text(task, "websiteURL");
        if (url == null || url.isEmpty()) {
            return invalid(ErrorCode.ERROR_MISSING_WEBSITE_URL);
        }
        if (!httpUrl(url)) {
            return invalid(
                    ErrorCode.ERROR_MISSING_WEBSITE_URL,
                    "websiteURL must be an absolute http(s) URL: " + abbreviate(url));
        }
        JsonNode keyNode = task.get("websitePublicKey");
        if (keyNode == null
                || keyNode.isNull()
                || (keyNode.isTextual() && keyNode.asText().isEmpty())) {
            return invalid(ErrorCode.ERROR_MISSING_PUBLIC_KEY);
        }
        String publicKey = keyNode.isTextual() ? keyNode.asText().strip().toLowerCase(Locale.ROOT) : "";
        if (!UUID.matcher(publicKey).matches()) {
            return invalid(
                    ErrorCode.ERROR_INVALID_PUBLIC_KEY,
                    "websitePublicKey is not a UUID (8-4-4-4-12 hex): "
                            + abbreviate(keyNode.isTextual() ? keyNode.asText() : keyNode.toString()));
        }
        String subdomain = text(task, "websiteSubdomain");
        if (subdomain == null || subdomain.isEmpty()) {
            subdomain = text(task, "funcaptchaApiJSSubdomain");
        }
        if (subdomain == null || subdomain.isEmpty()) {
            return invalid(ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN);
        }
        String host = stripToHost(subdomain);
        if (!HOST_NAME.matcher(host).matches() && !IPV6_HOST.matcher(host).matches()) {
            return invalid(
                    ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN,
                    "websiteSubdomain is not a host name: " + abbreviate(subdomain));
        }
        ProxyParse proxyParse = proxy(task);
        if (proxyParse == null) {
            return invalid(ErrorCode.ERROR_MISSING_PROXY);
        }
        if (proxyParse instanceof ProxyParse.Rejected r) {
            return invalid(proxyCode(r.problem()), r.detail());
        }
        ProxyEndpoint proxy = ((ProxyParse.Parsed) proxyParse).endpoint();
        if (guard.check(proxy.host()) instanceof AddressGuard.Verdict.Denied denied) {
            return invalid(ErrorCode.ERROR_INVALID_PROXY_FORMAT, denied.detail());
        }
        String data = data(task.get("data"));
        if (data == null) {
            return invalid(ErrorCode.ERROR_INVALID_EXTRA_DATA, "data must be a JSON object or a string holding one");
        }
        Map<String, String> headers = headers(task.get("headers"));
        if (headers == null) {
            return invalid(ErrorCode.ERROR_INVALID_HEADERS, "headers must be a JSON object of string values");
        }
        String userAgent = text(task, "userAgent");
        if (userAgent != null && userAgent.isBlank()) {
            userAgent = null;
        }
        boolean clientHints = headers.keySet().stream()
                .anyMatch(k -> k.toLowerCase(Locale.ROOT).startsWith("sec-ch-"));
        boolean userAgentHeader = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("User-Agent"));
        if (clientHints && !userAgentHeader && userAgent == null) {
            return invalid(ErrorCode.ERROR_MISSING_USER_AGENT);
        }
        String callback = null;
        if (callbackUrl != null
                && !callbackUrl.isNull()
                && !(callbackUrl.isTextual() && callbackUrl.asText().isEmpty())) {
            if (!callbackUrl.isTextual() || !httpUrl(callbackUrl.asText())) {
                return invalid(ErrorCode.ERROR_MISSING_REQUEST_DATA, "callbackUrl must be an absolute http(s) URL");
            }
            callback = callbackUrl.asText();
            if (guard.check(URI.create(callback).getHost()) instanceof AddressGuard.Verdict.Denied denied) {
                return invalid(
                        ErrorCode.ERROR_MISSING_REQUEST_DATA,
                        "callbackUrl " + denied.detail().replaceFirst("^proxy ", ""));
            }
        }
        return Checked.ok(new NewTask(url, publicKey, host, proxy, data, headers, userAgent, callback));
    }

    private static ProxyParse proxy(JsonNode task) {
        String proxy = text(task, "proxy");
        if (proxy != null && !proxy.isEmpty()) {
            return ProxyParser.parse(proxy);
        }
        String type = scalar(task, "proxyType");
        String address = scalar(task, "proxyAddress");
        String port = scalar(task, "proxyPort");
        String login = scalar(task, "proxyLogin");
        String password = scalar(task, "proxyPassword");
        if (address == null && port == null && type == null && login == null && password == null) {
            return null;
        }
        return ProxyParser.fromFields(type, address, port, login, password);
    }

    private static ErrorCode proxyCode(ProxyParse.Problem p) {
        return switch (p) {
            case PROTOCOL -> ErrorCode.ERROR_INVALID_PROXY_PROTOCOL;
            case PORT -> ErrorCode.ERROR_INVALID_PROXY_PORT;
            case AUTH -> ErrorCode.ERROR_INVALID_PROXY_AUTH;
            case FORMAT, NON_PUBLIC -> ErrorCode.ERROR_INVALID_PROXY_FORMAT;
        };
    }

    /** The data as a JSON object text, "{}" when absent, null or an empty (or blank) string; null when invalid. */
    private static String data(JsonNode node) {
        if (node == null || node.isNull()) {
            return "{}";
        }
        if (node.isObject()) {
            return node.toString();
        }
        if (node.isTextual() && node.asText().isBlank()) {
            return "{}"; // clients of the family send "data":"" for no data
        }
        if (node.isTextual()) {
            JsonNode parsed = parse(node.asText());
            return parsed != null && parsed.isObject() ? parsed.toString() : null;
        }
        return null;
    }

    /** The headers, empty when absent, or null when invalid. */
    private static Map<String, String> headers(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (node.isTextual()) {
            node = parse(node.asText());
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (var e : node.properties()) {
            if (!e.getValue().isTextual() || e.getKey().isEmpty()) {
                return null;
            }
            headers.put(e.getKey(), e.getValue().asText());
        }
        return headers;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static boolean httpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            return scheme != null
                    && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null
                    && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** {@code https://a.example.org/path} → {@code a.example.org}; lower case. */
    private static String stripToHost(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int slash = s.indexOf('/');
        return slash >= 0 ? s.substring(0, slash) : s;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** A string or number field as text (clients send ports both ways), else null. */
    private static String scalar(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n != null && (n.isTextual() || n.isNumber()) ? n.asText() : null;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static <T> Checked<T> invalid(ErrorCode code) {
        return Checked.refused(code);
    }

    private static <T> Checked<T> invalid(ErrorCode code, String description) {
        return Checked.refused(code, description);
    }
}
