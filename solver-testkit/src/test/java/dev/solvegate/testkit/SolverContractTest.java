package dev.solvegate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.SolveContext;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The kit against solvers that keep the contract and solvers that break one rule each. */
class SolverContractTest {

    private final AtomicLong served = new AtomicLong();

    private SolverContract contract(SiteSolver solver) {
        return SolverContract.of(solver)
                .site(this::answer)
                .solves(t -> Setup.settings(Map.of("url", t.site().url() + "token")))
                .fails(
                        "site unreachable",
                        t -> Setup.settings(Map.of("url", t.unreachable().url())))
                .fails(
                        "site refuses",
                        t -> Setup.settings(Map.of("url", t.site().url() + "refuse")))
                .hangs(t -> Setup.settings(Map.of("url", t.tarpit().url())))
                .grace(Duration.ofMillis(800));
    }

    private void answer(HttpExchange exchange) throws IOException {
        boolean refuse = exchange.getRequestURI().getPath().endsWith("/refuse");
        byte[] body = ("token-" + served.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(refuse ? 403 : 200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void aSolverThatKeepsTheContractPassesEveryCheck() {
        Report report = contract(new SiteSolver()).run();

        report.assertPassed();
        assertThat(report.checks())
                .extracting(Report.Check::name)
                .containsExactly(
                        "id",
                        "service entry",
                        "settings accepted",
                        "solves",
                        "fails: site unreachable",
                        "fails: site refuses",
                        "concurrent",
                        "deadline",
                        "cancellation",
                        "network only through the context");
        assertThat(served.get()).as("the site was reached (through the proxy)").isGreaterThanOrEqualTo(9);
        assertThat(report.check("deadline").orElseThrow().detail()).contains("stopped", "InterruptedException");
    }

    /** Ignores the interrupt, cancelled() and its deadline in the hangs setup: sleeps on until released. */
    static final class DeadlineIgnoringSolver extends SiteSolver {
        volatile boolean released;

        @Override
        ProxiedNetwork.HttpReply fetch(SolveContext context, String url) throws IOException, InterruptedException {
            if (!url.contains("tarpit")) {
                return super.fetch(context, url);
            }
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!released && System.nanoTime() < end) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    // the bug under test: the cut is swallowed
                }
            }
            throw new IOException("gave up");
        }
    }

    @Test
    void theKitFailsASolverThatIgnoresItsDeadline() {
        DeadlineIgnoringSolver solver = new DeadlineIgnoringSolver();
        try {
            Report report = contract(solver).run();

            assertThat(report.passed()).isFalse();
            Report.Check deadline = report.check("deadline").orElseThrow();
            assertThat(deadline.passed()).isFalse();
            assertThat(deadline.detail())
                    .contains("still running 800 ms after the cut at its deadline")
                    .contains("interrupt, cancelled() and closed sockets were all ignored");
            assertThat(report.check("cancellation").orElseThrow().passed()).isFalse();
            assertThat(report.check("solves").orElseThrow().passed()).isTrue();
            assertThatThrownBy(report::assertPassed)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("FAIL deadline: still running");
        } finally {
            solver.released = true;
        }
    }

    /** Reaches the site with a socket of its own instead of the context's network. */
    static final class BypassingSolver extends SiteSolver {
        @Override
        ProxiedNetwork.HttpReply fetch(SolveContext context, String url) throws IOException, InterruptedException {
            URI uri = URI.create(url);
            if (!uri.getHost().startsWith("site.")) {
                return super.fetch(context, url);
            }
            try (Socket s = new Socket("127.0.0.1", uri.getPort())) {
                s.getOutputStream().write("GET /token HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = s.getInputStream();
                in.readAllBytes();
            }
            return super.fetch(context, url);
        }
    }

    @Test
    void theKitFailsASolverThatConnectsWithoutTheContext() {
        Report report = contract(new BypassingSolver()).run();

        Report.Check network = report.check("network only through the context").orElseThrow();
        assertThat(network.passed()).isFalse();
        assertThat(network.detail()).contains("site was reached from /127.0.0.1:", "without the proxy");
    }

    /** Answers an empty token instead of a failure when the site refuses. */
    static final class EmptyTokenSolver extends SiteSolver {
        @Override
        public SolveResult solve(SolveTask task, SolveContext context) throws Exception {
            SolveResult r = super.solve(task, context);
            return r instanceof SolveResult.Failed ? SolveResult.solved("") : r;
        }
    }

    @Test
    void theKitFailsASolverThatAnswersAnEmptyTokenInsteadOfAFailure() {
        Report report = contract(new EmptyTokenSolver()).run();

        Report.Check refused = report.check("fails: site refuses").orElseThrow();
        assertThat(refused.passed()).isFalse();
        assertThat(refused.detail()).contains("empty token", "return SolveResult.failed");
    }

    /** Keeps the task it works on in a field, so attempts at once answer each other's tokens. */
    static final class SharedStateSolver extends SiteSolver {
        private String lastToken;

        @Override
        public SolveResult solve(SolveTask task, SolveContext context) throws Exception {
            SolveResult r = super.solve(task, context);
            if (r instanceof SolveResult.Solved s) {
                lastToken = s.token();
                Thread.sleep(50);
                return SolveResult.solved(lastToken);
            }
            return r;
        }
    }

    @Test
    void theKitFailsASolverThatSharesStateBetweenTasks() {
        Report report = contract(new SharedStateSolver()).run();

        Report.Check concurrent = report.check("concurrent").orElseThrow();
        assertThat(concurrent.passed()).isFalse();
        assertThat(concurrent.detail()).contains("a token another attempt got too");
        assertThat(report.check("solves").orElseThrow().passed()).isTrue();
    }

    @Test
    void aContractWithoutSetupsFailsRatherThanPassingUntried() {
        Report report = SolverContract.of(new SiteSolver()).run();

        assertThat(report.passed()).isFalse();
        assertThat(report.failures())
                .extracting(Report.Check::name)
                .contains("solves", "fails: (none)", "concurrent", "deadline", "cancellation");
    }

    @Test
    void aHangsSetupThatDoesNotHangIsReportedAsNotExercised() {
        Report report = contract(new SiteSolver())
                .hangs(t -> Setup.settings(Map.of("url", t.site().url() + "token")))
                .run();

        Report.Check deadline = report.check("deadline").orElseThrow();
        assertThat(deadline.passed()).isFalse();
        assertThat(deadline.detail()).contains("not exercised");
    }
}
