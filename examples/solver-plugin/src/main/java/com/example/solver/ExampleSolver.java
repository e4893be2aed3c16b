package com.example.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solvegate.spi.Failure;
import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.SolveContext;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An example solver for a site of your own that hands a token to whoever asks: {@code GET
 * <siteUrl>challenge?key=<websitePublicKey>} answers {@code {"token":"..."}}. It shows the parts every solver
 * has: a settings check, the network only through the context, failures as values, and stopping when cut.
 *
 * <p>Settings: {@code siteUrl}, an absolute http(s) URL ending in {@code /} (required).
 *
 * <p>Thread-safety: stateless (the {@link ObjectMapper} is thread-safe once configured); one instance serves
 * many attempts at once.
 */
public final class ExampleSolver implements Solver {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String id() {
        return "example";
    }

    @Override
    public Optional<String> checkSettings(SolverSettings settings) {
        return siteUrl(settings).isPresent()
                ? Optional.empty()
                : Optional.of("siteUrl must be an absolute http(s) URL ending in /: " + settings.values().get("siteUrl"));
    }

    @Override
    public SolveResult solve(SolveTask task, SolveContext context) throws Exception {
        Optional<URI> site = siteUrl(context.settings());
        if (site.isEmpty()) {
            return SolveResult.failed(Failure.UNSOLVABLE, "the template's siteUrl is not an absolute http(s) URL");
        }
        URI challenge = site.get()
                .resolve("challenge?key=" + URLEncoder.encode(task.websitePublicKey(), StandardCharsets.UTF_8));
        ProxiedNetwork.HttpReply reply;
        try {
            reply = context.network()
                    .send("GET", challenge, Map.of("Accept", "application/json", "User-Agent", "example-solver/1"), null);
        } catch (ProxyFailure e) {
            return SolveResult.failed(Failure.PROXY_CONNECTION, "proxy failed (" + e.reason() + ")");
        } catch (IOException e) {
            // The engine closes our sockets when it cuts the attempt: that is not a failure of the site.
            if (context.cancelled() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("cut while waiting for the site");
            }
            throw e;
        }
        if (reply.status() != 200) {
            return SolveResult.failed(Failure.UNSOLVABLE, "site answered " + reply.status());
        }
        JsonNode token = JSON.readTree(reply.body()).path("token");
        if (!token.isTextual() || token.asText().isBlank()) {
            return SolveResult.failed(Failure.UNSOLVABLE, "site's reply has no token");
        }
        return SolveResult.solved(token.asText());
    }

    private static Optional<URI> siteUrl(SolverSettings settings) {
        try {
            URI uri = new URI(settings.string("siteUrl").orElse(""));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean ok = (scheme.equals("http") || scheme.equals("https"))
                    && uri.getHost() != null
                    && uri.getRawPath() != null
                    && uri.getRawPath().endsWith("/");
            return ok ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
