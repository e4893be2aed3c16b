package dev.solvegate.spi;

import java.util.Map;

/**
 * What the client asked to solve, as validated by the service.
 *
 * @param taskId the service's id of the task, positive
 * @param websiteUrl the page the challenge appears on, an absolute http(s) URL
 * @param websitePublicKey the challenge's public key, a lower-case UUID
 * @param websiteSubdomain the host that serves the challenge, without scheme or path
 * @param data the client's extra data as a JSON object text, or {@code "{}"} when none was given
 * @param headers the client's headers, never null, possibly empty
 * @param userAgent the client's user agent, or null when none was given
 */
public record SolveTask(
        long taskId,
        String websiteUrl,
        String websitePublicKey,
        String websiteSubdomain,
        String data,
        Map<String, String> headers,
        String userAgent) {

    public SolveTask {
        headers = Map.copyOf(headers);
    }
}
