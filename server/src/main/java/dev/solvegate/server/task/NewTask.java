package dev.solvegate.server.task;

import dev.solvegate.proxy.ProxyEndpoint;
import java.util.Map;

/**
 * A createTask request that passed every field rule (SPEC §1), ready to be admitted.
 *
 * @param websiteUrl absolute http(s) URL
 * @param websitePublicKey lower-case UUID
 * @param websiteSubdomain host name, scheme and path stripped
 * @param proxy the client's proxy
 * @param data extra data as a JSON object text ({@code "{}"} when none)
 * @param headers the client's headers, never null
 * @param userAgent the client's user agent, or null
 * @param callbackUrl where to POST the result, or null
 */
public record NewTask(
        String websiteUrl,
        String websitePublicKey,
        String websiteSubdomain,
        ProxyEndpoint proxy,
        String data,
        Map<String, String> headers,
        String userAgent,
        String callbackUrl) {

    public NewTask {
        headers = Map.copyOf(headers);
    }
}
