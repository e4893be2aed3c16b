package dev.solvegate.testkit;

import dev.solvegate.spi.Failure;
import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.SolveContext;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A well-behaved solver for the kit's own tests: GETs the {@code url} setting through the context and answers
 * the body as the token; proxy trouble is a failure; a cut is an {@link InterruptedException}. Subclasses
 * misbehave in one way each. Thread-safety: stateless.
 */
public class SiteSolver implements Solver {

    @Override
    public String id() {
        return "kit-site";
    }

    @Override
    public SolveResult solve(SolveTask task, SolveContext context) throws Exception {
        String url = context.settings().string("url").orElseThrow();
        try {
            ProxiedNetwork.HttpReply reply = fetch(context, url);
            String body = new String(reply.body(), StandardCharsets.UTF_8);
            return reply.status() == 200 && !body.isBlank()
                    ? SolveResult.solved(body)
                    : SolveResult.failed(Failure.UNSOLVABLE, "site answered " + reply.status());
        } catch (ProxyFailure e) {
            return SolveResult.failed(Failure.PROXY_CONNECTION, e.getMessage());
        } catch (IOException e) {
            if (context.cancelled() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("cut");
            }
            throw e;
        }
    }

    ProxiedNetwork.HttpReply fetch(SolveContext context, String url) throws IOException, InterruptedException {
        return context.network().send("GET", URI.create(url), Map.of(), null);
    }
}
