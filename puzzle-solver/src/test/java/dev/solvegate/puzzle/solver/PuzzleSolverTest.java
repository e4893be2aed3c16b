package dev.solvegate.puzzle.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solvegate.puzzle.site.PuzzleSite;
import dev.solvegate.puzzle.site.PuzzleSiteConfig;
import dev.solvegate.puzzle.site.SiteKeys;
import dev.solvegate.spi.Failure;
import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The solver against a real running PuzzleSite, reached through a direct (no-proxy) test network. */
class PuzzleSolverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static PuzzleSite site;
    private static SiteKeys keys;
    private final PuzzleSolver solver = new PuzzleSolver();
    private final DirectNoProxyNetwork network = new DirectNoProxyNetwork();

    @BeforeAll
    static void startSite() {
        site = PuzzleSite.start(PuzzleSiteConfig.defaults());
        keys = site.registerSite();
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }

    @AfterEach
    void closeNetwork() {
        network.close();
    }

    private static SolveTask task(String publicKey, String subdomain) {
        return new SolveTask(
                7, "http://127.0.0.1:" + site.port() + "/login", publicKey, subdomain, "{}", Map.of(), null);
    }

    private static SolveTask task() {
        return task(keys.publicKey().toString(), "127.0.0.1:" + site.port());
    }

    @Test
    void solvesTheSiteAndTheTokenVerifiesForTheSiteOwner() throws Exception {
        SolveResult r = solver.solve(task(), new TestContext(Map.of(), network));

        assertThat(r).isInstanceOf(SolveResult.Solved.class);
        JsonNode verdict = verify(((SolveResult.Solved) r).token());
        assertThat(verdict.get("valid").asBoolean()).isTrue();
        assertThat(verdict.get("publicKey").asText()).isEqualTo(keys.publicKey().toString());
    }

    @Test
    void solvesTwentyFiveSessionsInARow() throws Exception {
        int solved = 0;
        for (int i = 0; i < 25; i++) {
            if (solver.solve(task(), new TestContext(Map.of(), network)) instanceof SolveResult.Solved) {
                solved++;
            }
        }

        assertThat(solved).isEqualTo(25);
    }

    @Test
    void siteUrlSettingTakesPrecedenceOverTheSubdomain() throws Exception {
        SolveTask task = task(keys.publicKey().toString(), "challenge.example.invalid");

        SolveResult r =
                solver.solve(task, new TestContext(Map.of("siteUrl", "http://127.0.0.1:" + site.port()), network));

        assertThat(r).isInstanceOf(SolveResult.Solved.class);
    }

    @Test
    void unknownPublicKeyIsUnsolvable() throws Exception {
        SolveResult r = solver.solve(
                task(UUID.randomUUID().toString(), "127.0.0.1:" + site.port()), new TestContext(Map.of(), network));

        assertThat(r).isInstanceOfSatisfying(SolveResult.Failed.class, f -> {
            assertThat(f.failure()).isEqualTo(Failure.UNSOLVABLE);
            assertThat(f.detail()).contains("404").contains("no site is registered");
        });
    }

    @Test
    void zeroImageBudgetIsProcessingImage() throws Exception {
        SolveResult r = solver.solve(task(), new TestContext(Map.of("imageBudgetMs", 0L), network));

        assertThat(r).isInstanceOfSatisfying(SolveResult.Failed.class, f -> {
            assertThat(f.failure()).isEqualTo(Failure.PROCESSING_IMAGE);
            assertThat(f.detail()).contains("budget of 0 ms").contains("round 1 after 1 images");
        });
    }

    @Test
    void proxyFailureIsProxyConnection() throws Exception {
        ProxiedNetwork refusing = new ProxiedNetwork() {
            @Override
            public Socket connect(String host, int port) throws IOException {
                throw new ProxyFailure(ProxyFailure.Reason.AUTH_FAILED, "proxy rejected the credentials");
            }

            @Override
            public HttpReply send(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException {
                throw new ProxyFailure(ProxyFailure.Reason.AUTH_FAILED, "proxy rejected the credentials");
            }
        };

        SolveResult r = solver.solve(task(), new TestContext(Map.of(), refusing));

        assertThat(r).isInstanceOfSatisfying(SolveResult.Failed.class, f -> {
            assertThat(f.failure()).isEqualTo(Failure.PROXY_CONNECTION);
            assertThat(f.detail()).contains("AUTH_FAILED");
        });
    }

    @Test
    void unreachableSiteThroughTheNetworkIsProxyConnection() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }

        SolveResult r = solver.solve(
                task(keys.publicKey().toString(), "127.0.0.1:" + closedPort), new TestContext(Map.of(), network));

        assertThat(r).isInstanceOfSatisfying(SolveResult.Failed.class, f -> assertThat(f.failure())
                .isEqualTo(Failure.PROXY_CONNECTION));
    }

    @Test
    void cancelledAttemptStopsWithInterruptedException() {
        TestContext context = new TestContext(Map.of(), network);
        context.cancelled.set(true);

        assertThatThrownBy(() -> solver.solve(task(), context)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void attemptPastItsDeadlineStopsWithInterruptedException() {
        TestContext context = new TestContext(Map.of(), Instant.now().minusSeconds(1), network);

        assertThatThrownBy(() -> solver.solve(task(), context)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void badSettingsAreUnsolvableAndNameTheSetting() throws Exception {
        SolveResult ftp = solver.solve(task(), new TestContext(Map.of("siteUrl", "ftp://127.0.0.1/"), network));
        SolveResult budget = solver.solve(task(), new TestContext(Map.of("imageBudgetMs", "soon"), network));
        SolveResult negative = solver.solve(task(), new TestContext(Map.of("maxTiltDegrees", -1L), network));

        assertThat(((SolveResult.Failed) ftp).detail()).contains("absolute http(s) URL");
        assertThat(((SolveResult.Failed) budget).detail()).contains("imageBudgetMs must be a whole number");
        assertThat(((SolveResult.Failed) negative).detail()).contains("maxTiltDegrees out of range");
        assertThat(((SolveResult.Failed) ftp).failure()).isEqualTo(Failure.UNSOLVABLE);
    }

    @Test
    void isFoundByServiceLoaderUnderIdPuzzle() {
        assertThat(ServiceLoader.load(Solver.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .map(Solver::id))
                .contains("puzzle");
    }

    private static JsonNode verify(String token) throws Exception {
        String body = JSON.createObjectNode()
                .put("privateKey", keys.privateKey())
                .put("token", token)
                .toString();
        HttpResponse<String> res = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + site.port() + "/api/verify"))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(res.body());
    }
}
