package com.example.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import dev.solvegate.spi.SolverSettings;
import dev.solvegate.testkit.Setup;
import dev.solvegate.testkit.SolverContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExampleSolverTest {

    /** A stand-in for your site: a fresh token for every challenge asked at /challenge, 404 elsewhere. */
    private static void site(HttpExchange exchange) throws IOException {
        boolean challenge = exchange.getRequestURI().getPath().equals("/challenge");
        byte[] body = (challenge ? "{\"token\":\"" + UUID.randomUUID() + "\"}" : "{}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(challenge ? 200 : 404, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void keepsTheSolverContract() {
        SolverContract.of(new ExampleSolver())
                .site(ExampleSolverTest::site)
                .solves(t -> Setup.settings(Map.of("siteUrl", t.site().url())))
                .fails("site unreachable", t -> Setup.settings(Map.of("siteUrl", t.unreachable().url())))
                .fails("no challenge there", t -> Setup.settings(Map.of("siteUrl", t.site().url() + "elsewhere/")))
                .hangs(t -> Setup.settings(Map.of("siteUrl", t.tarpit().url())))
                .run()
                .assertPassed();
    }

    @Test
    void refusesSettingsWithoutAnAbsoluteSiteUrl() {
        ExampleSolver solver = new ExampleSolver();

        assertEquals(
                Optional.of("siteUrl must be an absolute http(s) URL ending in /: ftp://x/"),
                solver.checkSettings(new SolverSettings(Map.of("siteUrl", "ftp://x/"))));
        assertTrue(solver.checkSettings(new SolverSettings(Map.of())).isPresent());
        assertEquals(Optional.empty(), solver.checkSettings(new SolverSettings(Map.of("siteUrl", "http://site/"))));
    }
}
