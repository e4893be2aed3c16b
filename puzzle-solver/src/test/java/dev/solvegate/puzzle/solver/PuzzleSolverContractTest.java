package dev.solvegate.puzzle.solver;

import dev.solvegate.puzzle.site.PuzzleSite;
import dev.solvegate.puzzle.site.PuzzleSiteConfig;
import dev.solvegate.puzzle.site.SiteKeys;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.testkit.Setup;
import dev.solvegate.testkit.SolverContract;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The puzzle solver against the SPI contract (solver-testkit), solving a real puzzle site through the kit's proxy. */
class PuzzleSolverContractTest {

    private static PuzzleSite site;
    private static SiteKeys keys;

    @BeforeAll
    static void startSite() {
        site = PuzzleSite.start(PuzzleSiteConfig.defaults());
        keys = site.registerSite();
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }

    private static SolveTask withKey(SolveTask t, String publicKey) {
        return new SolveTask(
                t.taskId(), t.websiteUrl(), publicKey, t.websiteSubdomain(), t.data(), t.headers(), t.userAgent());
    }

    @Test
    void keepsTheSolverContract() {
        String key = keys.publicKey().toString();
        SolverContract.of(new PuzzleSolver())
                .site(new InetSocketAddress("127.0.0.1", site.port()))
                .solves(t -> Setup.settings(Map.of("siteUrl", t.site().url())).task(task -> withKey(task, key)))
                .fails("site unreachable", t -> Setup.settings(
                                Map.of("siteUrl", t.unreachable().url()))
                        .task(task -> withKey(task, key)))
                .fails(
                        "unknown public key",
                        t -> Setup.settings(Map.of("siteUrl", t.site().url())))
                .hangs(t -> Setup.settings(Map.of("siteUrl", t.tarpit().url())).task(task -> withKey(task, key)))
                .concurrency(8)
                .deadline(Duration.ofSeconds(60))
                .run()
                .assertPassed();
    }
}
