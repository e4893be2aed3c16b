package dev.solvegate.server.metrics;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Set;

/**
 * A filter on the public routing that times every request by API method and HTTP status. Unknown paths are
 * counted as {@code other}, so a scanner cannot blow up the number of series.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class RequestMetrics implements Filter {

    private static final Set<String> METHODS = Set.of("createTask", "getTaskResult", "getBalance", "healthz", "readyz");

    private final Metrics metrics;

    public RequestMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            metrics.request(
                    method(req.prologue().uriPath().path()), res.status().code(), System.nanoTime() - start);
        }
    }

    static String method(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        String first = slash < 0 ? p : p.substring(0, slash);
        return METHODS.contains(first) ? first : "other";
    }
}
