package dev.solvegate.puzzle.solver;

import dev.solvegate.spi.Failure;
import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.SolveContext;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Solves the reference puzzle site's challenge (our own site, which allows automated solving): opens a
 * session for the task's public key, and in every round picks the image whose arrow points straight up by
 * analysing the PNGs ({@link ArrowReader}). Reaches the site only through the task's proxied network.
 *
 * <p>Settings: {@code siteUrl} (string, optional: where the site is; default {@code websiteURL}'s scheme with
 * {@code websiteSubdomain} as host[:port]), {@code imageBudgetMs} (whole number, default 15000: wall time the
 * attempt may spend decoding and analysing images, all rounds together), {@code maxTiltDegrees} (whole number,
 * default 20: the closest-to-upright image must be at most this far off, else the challenge is unreadable).
 *
 * <p>Failures: a site refusal, an unreadable round or no upright image → {@link Failure#UNSOLVABLE}; the image
 * budget spent → {@link Failure#PROCESSING_IMAGE}; {@link ProxyFailure} → {@link Failure#PROXY_CONNECTION}.
 * Cancellation, an interrupt or the deadline → {@link InterruptedException}.
 *
 * <p>Thread-safety: stateless; one instance serves many attempts at once.
 */
public final class PuzzleSolver implements Solver {

    static final long DEFAULT_IMAGE_BUDGET_MS = 15_000;
    static final long DEFAULT_MAX_TILT_DEGREES = 20;
    /** The site's prompt for the one challenge this solver understands. */
    static final String KNOWN_PROMPT = "arrow points straight up";

    @Override
    public String id() {
        return "puzzle";
    }

    @Override
    public SolveResult solve(SolveTask task, SolveContext context) throws Exception {
        try {
            SiteApi site = new SiteApi(context.network(), SiteApi.base(task, context.settings()));
            ImageWork work = new ImageWork(
                    setting(context.settings(), "imageBudgetMs", DEFAULT_IMAGE_BUDGET_MS, 3_600_000),
                    setting(context.settings(), "maxTiltDegrees", DEFAULT_MAX_TILT_DEGREES, 180));
            checkpoint(context);
            String session = site.createSession(task.websitePublicKey());
            while (true) {
                checkpoint(context);
                SiteApi.Round round = site.round(session);
                if (!round.prompt().contains(KNOWN_PROMPT)) {
                    throw new Unsolved(Failure.UNSOLVABLE, "unknown challenge prompt: " + clip(round.prompt()));
                }
                int pick = work.pickUpright(round, context);
                checkpoint(context);
                switch (site.answer(session, round.number(), pick)) {
                    case SiteApi.Answer.Solved solved -> {
                        return SolveResult.solved(solved.token());
                    }
                    case SiteApi.Answer.Rejected rejected ->
                        throw new Unsolved(
                                Failure.UNSOLVABLE,
                                "site rejected the pick in round " + rejected.round()
                                        + " (the image analysis was wrong)");
                    case SiteApi.Answer.Next next -> {
                        // next round
                    }
                }
            }
        } catch (Unsolved e) {
            return SolveResult.failed(e.failure(), e.getMessage());
        } catch (ProxyFailure e) {
            stopIfCancelled(context, e);
            return SolveResult.failed(Failure.PROXY_CONNECTION, "proxy failed (" + e.reason() + "): " + e.getMessage());
        } catch (IOException e) {
            stopIfCancelled(context, e);
            throw e;
        }
    }

    /** Picks the upright image of a round within the attempt's image budget. Confined to one attempt. */
    private static final class ImageWork {
        private final long budgetNanos;
        private final long maxTilt;
        private long spentNanos;

        ImageWork(long budgetMs, long maxTilt) {
            this.budgetNanos = budgetMs * 1_000_000;
            this.maxTilt = maxTilt;
        }

        int pickUpright(SiteApi.Round round, SolveContext context) throws Unsolved, InterruptedException {
            List<String> images = round.images();
            int best = -1;
            double bestTilt = Double.MAX_VALUE;
            String lastProblem = null;
            for (int i = 0; i < images.size(); i++) {
                checkpoint(context);
                long start = System.nanoTime();
                try {
                    double tilt = Math.abs(ArrowReader.tilt(Base64.getDecoder().decode(images.get(i))));
                    if (tilt < bestTilt) {
                        bestTilt = tilt;
                        best = i;
                    }
                } catch (ArrowReader.Unreadable | IllegalArgumentException e) {
                    lastProblem = "image " + i + ": " + e.getMessage();
                } finally {
                    spentNanos += System.nanoTime() - start;
                }
                if (spentNanos > budgetNanos) {
                    throw new Unsolved(
                            Failure.PROCESSING_IMAGE,
                            "image analysis ran over its budget of "
                                    + budgetNanos / 1_000_000 + " ms in round " + round.number() + " after " + (i + 1)
                                    + " images ("
                                    + spentNanos / 1_000_000 + " ms)");
                }
            }
            if (best < 0) {
                throw new Unsolved(
                        Failure.UNSOLVABLE, "no image of round " + round.number() + " is readable; " + lastProblem);
            }
            if (bestTilt > maxTilt) {
                throw new Unsolved(
                        Failure.UNSOLVABLE,
                        String.format(
                                java.util.Locale.ROOT,
                                "no upright arrow in round %d: the closest is %.1f degrees off (limit %d)",
                                round.number(),
                                bestTilt,
                                maxTilt));
            }
            return best;
        }
    }

    private static long setting(SolverSettings settings, String name, long fallback, long max) throws Unsolved {
        if (!settings.values().containsKey(name)) {
            return fallback;
        }
        long v = settings.number(name)
                .orElseThrow(() -> new Unsolved(Failure.UNSOLVABLE, "setting " + name + " must be a whole number"));
        if (v < 0 || v > max) {
            throw new Unsolved(Failure.UNSOLVABLE, "setting " + name + " out of range 0.." + max + ": " + v);
        }
        return v;
    }

    private static void checkpoint(SolveContext context) throws InterruptedException {
        if (Thread.interrupted() || context.cancelled() || !Instant.now().isBefore(context.deadline())) {
            throw new InterruptedException("puzzle solve cancelled or past its deadline");
        }
    }

    private static void stopIfCancelled(SolveContext context, IOException cause) throws InterruptedException {
        if (Thread.currentThread().isInterrupted() || context.cancelled()) {
            InterruptedException e = new InterruptedException("puzzle solve cancelled during network I/O");
            e.initCause(cause);
            throw e;
        }
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
