package dev.solvegate.puzzle.solver;

import dev.solvegate.puzzle.site.PuzzleSite;
import dev.solvegate.puzzle.site.PuzzleSiteConfig;
import dev.solvegate.puzzle.site.SiteKeys;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Benchmark, not a test (surefire ignores it: no {@code Test} in the name): starts a local {@link PuzzleSite},
 * solves N challenges one after another through {@link DirectNoProxyNetwork} and prints the success rate and
 * the time per challenge (p50, p99, max), then times the image analysis alone. Each challenge is a whole
 * session: 3 rounds of 6 images, i.e. 18 images painted by the site and analysed by the solver, and 7 HTTP
 * requests, all in this one JVM.
 * Usage: {@code PuzzleBench [n] [warmup]}, defaults 1000 and 50.
 */
public final class PuzzleBench {

    private PuzzleBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        PuzzleSolver solver = new PuzzleSolver();
        try (PuzzleSite site = PuzzleSite.start(PuzzleSiteConfig.defaults());
                DirectNoProxyNetwork network = new DirectNoProxyNetwork()) {
            SiteKeys keys = site.registerSite();
            SolveTask task = new SolveTask(
                    1,
                    "http://127.0.0.1:" + site.port() + "/login",
                    keys.publicKey().toString(),
                    "127.0.0.1:" + site.port(),
                    "{}",
                    Map.of(),
                    null);
            for (int i = 0; i < warmup; i++) {
                solver.solve(task, new TestContext(Map.of(), network));
            }
            long[] nanos = new long[n];
            int solved = 0;
            Map<String, Integer> failures = new TreeMap<>();
            long wall = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                SolveResult r = solver.solve(task, new TestContext(Map.of(), network));
                nanos[i] = System.nanoTime() - t;
                switch (r) {
                    case SolveResult.Solved s -> solved++;
                    case SolveResult.Failed f -> failures.merge(f.failure() + ": " + f.detail(), 1, Integer::sum);
                }
            }
            wall = System.nanoTime() - wall;
            Arrays.sort(nanos);
            System.out.printf(
                    Locale.ROOT,
                    "challenges=%d solved=%d success=%.2f%% warmup=%d%n",
                    n,
                    solved,
                    100.0 * solved / n,
                    warmup);
            System.out.printf(
                    Locale.ROOT,
                    "per challenge: p50=%.1f ms p99=%.1f ms max=%.1f ms mean=%.1f ms (wall %.1f s)%n",
                    ms(nanos[n / 2]),
                    ms(nanos[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)]),
                    ms(nanos[n - 1]),
                    ms(Arrays.stream(nanos).sum() / n),
                    wall / 1e9);
            failures.forEach((k, v) -> System.out.println("  failed x" + v + ": " + k));
            imageAnalysis(network, keys, site.port(), 200);
        }
    }

    /** Times {@link ArrowReader} alone on the images of {@code rounds} fresh rounds, apart from HTTP and painting. */
    private static void imageAnalysis(DirectNoProxyNetwork network, SiteKeys keys, int port, int rounds)
            throws Exception {
        SiteApi api = new SiteApi(network, URI.create("http://127.0.0.1:" + port + "/"));
        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            SiteApi.Round round = api.round(api.createSession(keys.publicKey().toString()));
            round.images().forEach(b64 -> pngs.add(Base64.getDecoder().decode(b64)));
        }
        long[] nanos = new long[pngs.size()];
        for (int i = 0; i < nanos.length; i++) {
            long t = System.nanoTime();
            ArrowReader.tilt(pngs.get(i));
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        int n = nanos.length;
        System.out.printf(
                Locale.ROOT,
                "image analysis alone (decode + read, %d images): p50=%.2f ms p99=%.2f ms max=%.2f ms%n",
                n,
                ms(nanos[n / 2]),
                ms(nanos[(int) Math.ceil(n * 0.99) - 1]),
                ms(nanos[n - 1]));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
