package dev.solvegate.server.metrics;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Set;

/**
 * A filter on the public routing that times every request by API method, HTTP status and answer: the error
 * code the reply carried ({@link #answered}), or {@code ok}. The code is the label that matters in
 * compatibility mode, where every error travels with status 200. Unknown paths are counted as {@code other},
 * so a scanner cannot blow up the number of series.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class RequestMetrics implements Filter {

    /** The current request's answer, written by the reply and read here; bound only inside {@link #filter}. */
    private static final ScopedValue<String[]> ANSWER = ScopedValue.newInstance();

    private static final Set<String> METHODS = Set.of(
            "createTask",
            "getTaskResult",
            "getBalance",
            "getTasks",
            "getSpending",
            "cancelTask",
            "reportIncorrect",
            "reportIncorrectTokenCaptcha",
            "reportCorrect",
            "getQueueStats",
            "openapi.json",
            "healthz",
            "readyz");

    private final Metrics metrics;

    public RequestMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String[] answer = {"ok"};
        try {
            ScopedValue.where(ANSWER, answer).run(chain::proceed);
        } finally {
            int status = res.status().code();
            // an error nobody labelled (a reply of the web server's own) must not count as a success
            String label = answer[0].equals("ok") && status >= 400 ? "http_" + status : answer[0];
            metrics.request(method(req.prologue().uriPath().path()), status, label, System.nanoTime() - start);
        }
    }

    /** Records the error code the current request is answered with; a no-op outside a filtered request. */
    public static void answered(String errorCode) {
        if (ANSWER.isBound()) {
            ANSWER.get()[0] = errorCode;
        }
    }

    static String method(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        String first = slash < 0 ? p : p.substring(0, slash);
        return METHODS.contains(first) ? first : "other";
    }
}
