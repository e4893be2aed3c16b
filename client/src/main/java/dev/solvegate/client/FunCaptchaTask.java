package dev.solvegate.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A task of type {@code FunCaptchaTask}, as sent to createTask. The client does not check the fields: the server
 * does, and answers the first broken rule as an error ({@code ERROR_MISSING_PROXY}, {@code
 * ERROR_INVALID_PUBLIC_KEY}, …). Unset optional fields are not sent.
 *
 * <p>{@link #toString()} never shows the proxy (it holds a password), the headers' values or the data.
 *
 * <p>Thread-safety: immutable; so is its {@link Builder}.
 */
public final class FunCaptchaTask {

    private final String websiteUrl;
    private final String websitePublicKey;
    private final String websiteSubdomain;
    private final String proxy;
    private final String data;
    private final Map<String, String> headers;
    private final String userAgent;
    private final String callbackUrl;

    private FunCaptchaTask(Builder b) {
        this.websiteUrl = b.websiteUrl;
        this.websitePublicKey = b.websitePublicKey;
        this.websiteSubdomain = b.websiteSubdomain;
        this.proxy = b.proxy;
        this.data = b.data;
        this.headers = b.headers;
        this.userAgent = b.userAgent;
        this.callbackUrl = b.callbackUrl;
    }

    /** An empty builder. */
    public static Builder builder() {
        return Builder.EMPTY;
    }

    /** A builder holding this task's fields, to derive another task from it. */
    public Builder toBuilder() {
        return new Builder(
                websiteUrl, websitePublicKey, websiteSubdomain, proxy, data, headers, userAgent, callbackUrl);
    }

    /** {@code websiteURL}: the page the challenge is on; null when unset. */
    public String websiteUrl() {
        return websiteUrl;
    }

    /** {@code websitePublicKey}: the challenge's public key (a UUID); null when unset. */
    public String websitePublicKey() {
        return websitePublicKey;
    }

    /** {@code websiteSubdomain}: the host serving the challenge; null when unset. */
    public String websiteSubdomain() {
        return websiteSubdomain;
    }

    /** {@code proxy}, e.g. {@code http://user:pass@203.0.113.7:8080}; null when unset. A secret: never logged. */
    public String proxy() {
        return proxy;
    }

    /** {@code data}: a JSON object as a string; null when unset. */
    public String data() {
        return data;
    }

    /** {@code headers}, in the order given; empty when unset; unmodifiable. */
    public Map<String, String> headers() {
        return headers;
    }

    /** {@code userAgent}; null when unset. */
    public String userAgent() {
        return userAgent;
    }

    /** {@code callbackUrl}: where the server POSTs the result when the task ends; null when unset. */
    public String callbackUrl() {
        return callbackUrl;
    }

    /** Writes {@code task} (and the top-level {@code callbackUrl}) into a createTask body. */
    void writeTo(ObjectNode body) {
        ObjectNode task = body.putObject("task").put("type", "FunCaptchaTask");
        putIfSet(task, "websiteURL", websiteUrl);
        putIfSet(task, "websitePublicKey", websitePublicKey);
        putIfSet(task, "websiteSubdomain", websiteSubdomain);
        putIfSet(task, "proxy", proxy);
        putIfSet(task, "data", data);
        if (!headers.isEmpty()) {
            ObjectNode h = task.putObject("headers");
            headers.forEach(h::put);
        }
        putIfSet(task, "userAgent", userAgent);
        putIfSet(body, "callbackUrl", callbackUrl);
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    @Override
    public String toString() {
        return "FunCaptchaTask{websiteUrl=" + websiteUrl + ", websitePublicKey=" + websitePublicKey
                + ", websiteSubdomain=" + websiteSubdomain + ", proxy=" + (proxy == null ? "unset" : "(hidden)")
                + ", data=" + (data == null ? "unset" : "(" + data.length() + " chars)") + ", headers="
                + headers.keySet() + ", userAgent=" + userAgent + ", callbackUrl="
                + (callbackUrl == null ? "unset" : "(set)") + "}";
    }

    /**
     * Builds a {@link FunCaptchaTask}. Each setter returns a new builder and leaves this one as it was, so a
     * builder holding common fields can be shared and extended from many threads.
     */
    public static final class Builder {

        static final Builder EMPTY = new Builder(null, null, null, null, null, Map.of(), null, null);

        private final String websiteUrl;
        private final String websitePublicKey;
        private final String websiteSubdomain;
        private final String proxy;
        private final String data;
        private final Map<String, String> headers;
        private final String userAgent;
        private final String callbackUrl;

        private Builder(
                String websiteUrl,
                String websitePublicKey,
                String websiteSubdomain,
                String proxy,
                String data,
                Map<String, String> headers,
                String userAgent,
                String callbackUrl) {
            this.websiteUrl = websiteUrl;
            this.websitePublicKey = websitePublicKey;
            this.websiteSubdomain = websiteSubdomain;
            this.proxy = proxy;
            this.data = data;
            this.headers = headers;
            this.userAgent = userAgent;
            this.callbackUrl = callbackUrl;
        }

        /** {@code websiteURL}: an absolute http(s) URL of the page with the challenge. */
        public Builder websiteUrl(String websiteUrl) {
            return new Builder(
                    websiteUrl, websitePublicKey, websiteSubdomain, proxy, data, headers, userAgent, callbackUrl);
        }

        /** {@code websitePublicKey}: the challenge's public key, a UUID. */
        public Builder websitePublicKey(String websitePublicKey) {
            return new Builder(
                    websiteUrl, websitePublicKey, websiteSubdomain, proxy, data, headers, userAgent, callbackUrl);
        }

        /** {@code websiteSubdomain}: the host that serves the challenge, e.g. {@code client-api.example.com}. */
        public Builder websiteSubdomain(String websiteSubdomain) {
            return new Builder(
                    websiteUrl, websitePublicKey, websiteSubdomain, proxy, data, headers, userAgent, callbackUrl);
        }

        /**
         * {@code proxy}: the proxy the task runs through, as {@code scheme://user:pass@host:port}, {@code
         * scheme:host:port:user:pass}, {@code host:port:user:pass} or {@code user:pass@host:port}.
         */
        public Builder proxy(String proxy) {
            return new Builder(
                    websiteUrl, websitePublicKey, websiteSubdomain, proxy, data, headers, userAgent, callbackUrl);
        }

        /** {@code data}: extra challenge data, a JSON object as a string (e.g. {@code {"blob":"…"}}). */
        public Builder data(String data) {
            return new Builder(
                    websiteUrl, websitePublicKey, websiteSubdomain, proxy, data, headers, userAgent, callbackUrl);
        }

        /** {@code headers}: request headers the solver should send (copied; null values are refused). */
        public Builder headers(Map<String, String> headers) {
            Map<String, String> copy = new LinkedHashMap<>();
            headers.forEach((name, value) -> copy.put(
                    Objects.requireNonNull(name, "header name"),
                    Objects.requireNonNull(value, "value of header " + name)));
            return new Builder(
                    websiteUrl,
                    websitePublicKey,
                    websiteSubdomain,
                    proxy,
                    data,
                    Collections.unmodifiableMap(copy),
                    userAgent,
                    callbackUrl);
        }

        /** {@code userAgent}: required by the server when a {@code sec-ch-*} header is given without one. */
        public Builder userAgent(String userAgent) {
            return new Builder(
                    websiteUrl, websitePublicKey, websiteSubdomain, proxy, data, headers, userAgent, callbackUrl);
        }

        /** {@code callbackUrl}: an absolute http(s) URL the server POSTs the result to when the task ends. */
        public Builder callbackUrl(String callbackUrl) {
            return new Builder(
                    websiteUrl, websitePublicKey, websiteSubdomain, proxy, data, headers, userAgent, callbackUrl);
        }

        public FunCaptchaTask build() {
            return new FunCaptchaTask(this);
        }

        @Override
        public String toString() {
            return "FunCaptchaTask.Builder{" + build() + "}";
        }
    }
}
