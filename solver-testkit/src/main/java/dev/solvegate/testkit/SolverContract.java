package dev.solvegate.testkit;

import com.sun.net.httpserver.HttpHandler;
import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Runs a solver against the SPI contract, with a real HTTP CONNECT proxy and local targets, and reports each
 * rule it kept or broke ({@link Report}). A plugin author's test:
 *
 * <pre>{@code
 * SolverContract.of(new MySolver())
 *         .site(handler)                                       // what the solver's site answers
 *         .solves(t -> Setup.settings(Map.of("siteUrl", t.site().url())))
 *         .fails("site unreachable", t -> Setup.settings(Map.of("siteUrl", t.unreachable().url())))
 *         .hangs(t -> Setup.settings(Map.of("siteUrl", t.tarpit().url())))
 *         .run()
 *         .assertPassed();
 * }</pre>
 *
 * <p>The rules: the id is lower case and stable; {@code META-INF/services/dev.solvegate.spi.Solver} lists the
 * class; the solves and hangs settings pass {@link Solver#checkSettings}; the solves setup gives a non-blank
 * token before the deadline; each fails setup returns {@link SolveResult.Failed} (or throws {@link
 * ProxyFailure}), never a token, an empty token or another exception; many attempts at once (solves and the
 * first fails setup interleaved) each get their own outcome, with distinct tokens; cut at its deadline, and
 * cancelled before it, the hangs setup stops within the grace (the cut is the engine's: {@link
 * dev.solvegate.spi.SolveContext#cancelled()} turns true, the thread is interrupted, every socket made through
 * the context is closed); and every connection to a kit target came through the context's proxied network
 * (the targets have names only the kit's proxy resolves, and each target checks where a connection came from).
 * A missing setup is a failed check, so a contract never passes by not being tried.
 *
 * <p>Thread-safety: a builder for one test; not thread-safe. {@link #run()} may be called more than once.
 */
public final class SolverContract {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final AtomicLong TASK_IDS = new AtomicLong();

    private final Solver solver;
    private InetSocketAddress siteServer;
    private HttpHandler siteHandler;
    private Function<Targets, Setup> solves;
    private Function<Targets, Setup> hangs;
    private final Map<String, Function<Targets, Setup>> fails = new LinkedHashMap<>();
    private Duration deadline = Duration.ofSeconds(30);
    private Duration hangDeadline = Duration.ofSeconds(1);
    private Duration cancelAfter = Duration.ofMillis(300);
    private Duration grace = Duration.ofSeconds(2);
    private int concurrency = 16;

    private SolverContract(Solver solver) {
        this.solver = Objects.requireNonNull(solver, "solver");
    }

    public static SolverContract of(Solver solver) {
        return new SolverContract(solver);
    }

    /** The site is a server of the author's on this machine; the kit relays {@link Targets#site()} to it. */
    public SolverContract site(InetSocketAddress server) {
        this.siteServer = Objects.requireNonNull(server, "server");
        this.siteHandler = null;
        return this;
    }

    /** The kit serves the site with {@code handler} (the JDK's {@code com.sun.net.httpserver}). */
    public SolverContract site(HttpHandler handler) {
        this.siteHandler = Objects.requireNonNull(handler, "handler");
        this.siteServer = null;
        return this;
    }

    /** How to make the solver succeed: it must return a token. Required. */
    public SolverContract solves(Function<Targets, Setup> setup) {
        this.solves = Objects.requireNonNull(setup, "setup");
        return this;
    }

    /** A way to make the solver fail: it must return a failure. At least one is required. */
    public SolverContract fails(String name, Function<Targets, Setup> setup) {
        fails.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(setup, "setup"));
        return this;
    }

    /**
     * How to make the solver keep working until it is cut (usually: point it at {@link Targets#tarpit()}).
     * Required.
     */
    public SolverContract hangs(Function<Targets, Setup> setup) {
        this.hangs = Objects.requireNonNull(setup, "setup");
        return this;
    }

    /** The deadline of the solves and fails attempts; 30 s unless set. */
    public SolverContract deadline(Duration deadline) {
        this.deadline = positive(deadline, "deadline");
        return this;
    }

    /** How long after a cut the solver may take to return or throw; 2 s unless set. */
    public SolverContract grace(Duration grace) {
        this.grace = positive(grace, "grace");
        return this;
    }

    /** How many attempts run at once in the concurrency check; 16 unless set, at least 2. */
    public SolverContract concurrency(int attempts) {
        if (attempts < 2) {
            throw new IllegalArgumentException("concurrency must be at least 2: " + attempts);
        }
        this.concurrency = attempts;
        return this;
    }

    /** Runs every check; never throws for a broken rule (see {@link Report#assertPassed()}). */
    public Report run() {
        List<Report.Check> checks = new ArrayList<>();
        String id = safeId();
        try (Kit kit = new Kit(siteServer, siteHandler)) {
            checks.add(checkId(id));
            checks.add(checkServiceEntry());
            checks.add(checkSettingsAccepted(kit.targets()));
            checks.add(checkSolves(kit));
            if (fails.isEmpty()) {
                checks.add(new Report.Check(
                        "fails: (none)", false, "no fails(...) setup: give at least one way to make the solver fail"));
            }
            fails.forEach((name, setup) -> checks.add(checkFails(kit, name, setup)));
            checks.add(checkConcurrent(kit));
            checks.add(checkCut(kit, "deadline", hangDeadline, hangDeadline));
            checks.add(checkCut(kit, "cancellation", Duration.ofSeconds(60), cancelAfter));
            checks.add(checkNetwork(kit));
        } catch (IOException e) {
            throw new UncheckedIOException("solver-testkit could not start its proxy and targets", e);
        }
        return new Report(id + " (" + solver.getClass().getName() + ")", checks);
    }

    private String safeId() {
        try {
            return String.valueOf(solver.id());
        } catch (RuntimeException e) {
            return "<id() threw " + e + ">";
        }
    }

    private Report.Check checkId(String id) {
        String again = safeId();
        boolean ok = ID.matcher(id).matches() && id.equals(again);
        return new Report.Check(
                "id",
                ok,
                ok
                        ? "\"" + id + "\""
                        : "must be lower case [a-z0-9][a-z0-9._-]{0,63} and the same on every call: \"" + id
                                + "\", then \"" + again + "\"");
    }

    private Report.Check checkServiceEntry() {
        Class<?> type = solver.getClass();
        boolean listed =
                ServiceLoader.load(Solver.class, type.getClassLoader()).stream().anyMatch(p -> p.type() == type);
        return new Report.Check(
                "service entry",
                listed,
                (listed ? "" : "not ") + "listed in META-INF/services/" + Solver.class.getName() + ": "
                        + type.getName());
    }

    private Report.Check checkSettingsAccepted(Targets targets) {
        List<String> refused = new ArrayList<>();
        for (var entry : Map.of("solves", Optional.ofNullable(solves), "hangs", Optional.ofNullable(hangs))
                .entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue;
            }
            Map<String, Object> settings = entry.getValue().get().apply(targets).settings();
            try {
                solver.checkSettings(new SolverSettings(settings))
                        .ifPresent(why -> refused.add(entry.getKey() + " settings " + settings + " refused: " + why));
            } catch (RuntimeException e) {
                refused.add(entry.getKey() + " settings: checkSettings threw " + e);
            }
        }
        return new Report.Check(
                "settings accepted",
                refused.isEmpty(),
                refused.isEmpty() ? "checkSettings accepts the solves and hangs settings" : String.join("; ", refused));
    }

    private Report.Check checkSolves(Kit kit) {
        if (solves == null) {
            return new Report.Check("solves", false, "no solves(...) setup: give a way to make the solver succeed");
        }
        Run.Ended e = attempt(kit, solves, deadline, deadline);
        String problem = solvedProblem(e);
        return new Report.Check(
                "solves", problem == null, (problem == null ? e.describe() : problem) + " in " + e.millis() + " ms");
    }

    private Report.Check checkFails(Kit kit, String name, Function<Targets, Setup> setup) {
        Run.Ended e = attempt(kit, setup, deadline, deadline);
        String problem = failedProblem(e);
        return new Report.Check(
                "fails: " + name,
                problem == null,
                (problem == null ? e.describe() : problem) + " in " + e.millis() + " ms");
    }

    private Report.Check checkConcurrent(Kit kit) {
        if (solves == null) {
            return new Report.Check("concurrent", false, "not run: no solves(...) setup");
        }
        Function<Targets, Setup> failing =
                fails.isEmpty() ? null : fails.values().iterator().next();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Run.Ended>> runs = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                Function<Targets, Setup> setup = failing != null && i % 2 == 1 ? failing : solves;
                SolveTask task = task(kit, setup);
                Map<String, Object> settings = setup.apply(kit.targets()).settings();
                runs.add(pool.submit(() -> {
                    go.await();
                    return Run.attempt(solver, task, settings, kit, deadline, deadline, grace);
                }));
            }
            go.countDown();
            List<String> problems = new ArrayList<>();
            Set<String> tokens = new HashSet<>();
            int solved = 0;
            int failed = 0;
            for (int i = 0; i < runs.size(); i++) {
                Run.Ended e = runs.get(i).get();
                boolean shouldFail = failing != null && i % 2 == 1;
                String problem = shouldFail ? failedProblem(e) : solvedProblem(e);
                if (problem != null) {
                    problems.add("attempt " + i + " (" + (shouldFail ? "fails" : "solves") + " setup): " + problem);
                } else if (e.result() instanceof SolveResult.Solved s) {
                    solved++;
                    if (!tokens.add(s.token())) {
                        problems.add("attempt " + i + " got a token another attempt got too");
                    }
                } else {
                    failed++;
                }
            }
            String summary =
                    concurrency + " at once: " + solved + " solved with distinct tokens, " + failed + " failed";
            return new Report.Check(
                    "concurrent",
                    problems.isEmpty(),
                    problems.isEmpty()
                            ? summary
                            : summary + "; " + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the concurrent attempts", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the kit failed to run an attempt", e.getCause());
        }
    }

    /** The hangs setup cut after {@code cutAfter} with {@code deadlineIn} as its deadline. */
    private Report.Check checkCut(Kit kit, String name, Duration deadlineIn, Duration cutAfter) {
        if (hangs == null) {
            return new Report.Check(
                    name, false, "not run: no hangs(...) setup: give a way to keep the solver working until it is cut");
        }
        Run.Ended e = attempt(kit, hangs, deadlineIn, cutAfter);
        long cutAt = cutAfter.toMillis();
        String when = name.equals("deadline")
                ? "at its deadline (" + cutAt + " ms)"
                : "by a cancellation after " + cutAt + " ms";
        if (e.stillRunning()) {
            return new Report.Check(
                    name,
                    false,
                    "still running " + grace.toMillis() + " ms after the cut " + when
                            + ": interrupt, cancelled() and closed sockets were all ignored");
        }
        if (!e.cut() && e.millis() < cutAt / 2) {
            return new Report.Check(
                    name,
                    false,
                    "not exercised: the hangs setup ended by itself after " + e.millis() + " ms (" + e.describe()
                            + "); it must keep the solver working until it is cut");
        }
        if (e.result() instanceof SolveResult.Solved) {
            return new Report.Check(name, false, "returned a token after the cut " + when + ": " + e.describe());
        }
        return new Report.Check(
                name,
                true,
                "stopped " + Math.max(0, e.millis() - cutAt) + " ms after the cut " + when + ": " + e.describe());
    }

    private Report.Check checkNetwork(Kit kit) {
        List<String> problems = new ArrayList<>(kit.directConnections());
        kit.refusedTargets()
                .forEach(t -> problems.add("asked the proxy for " + t + ", which is none of the kit's targets"));
        return new Report.Check(
                "network only through the context",
                problems.isEmpty(),
                problems.isEmpty()
                        ? "every connection to the kit's targets came through the proxy"
                        : String.join("; ", problems));
    }

    private Run.Ended attempt(Kit kit, Function<Targets, Setup> setup, Duration deadlineIn, Duration cutAfter) {
        return Run.attempt(
                solver, task(kit, setup), setup.apply(kit.targets()).settings(), kit, deadlineIn, cutAfter, grace);
    }

    private static SolveTask task(Kit kit, Function<Targets, Setup> setup) {
        Target site = kit.targets().site();
        SolveTask base = new SolveTask(
                TASK_IDS.incrementAndGet(),
                site.url() + "login",
                UUID.randomUUID().toString(),
                site.authority(),
                "{}",
                Map.of(),
                null);
        return setup.apply(kit.targets()).taskFrom(base);
    }

    /** Why {@code e} is not a proper success, or null when it is. */
    private static String solvedProblem(Run.Ended e) {
        if (e.stillRunning() || e.cut()) {
            return "did not finish before its deadline (" + e.describe() + ")";
        }
        if (e.result() instanceof SolveResult.Solved s) {
            return s.token().isBlank() ? "solved with a blank token" : null;
        }
        return "expected a token, but " + e.describe();
    }

    /** Why {@code e} is not a proper failure, or null when it is. */
    private static String failedProblem(Run.Ended e) {
        if (e.stillRunning() || e.cut()) {
            return "did not finish before its deadline (" + e.describe() + ")";
        }
        if (e.thrown() instanceof ProxyFailure) {
            return null;
        }
        if (e.thrown() != null && String.valueOf(e.thrown().getMessage()).contains("token must be non-empty")) {
            return "tried to answer an empty token (" + e.describe() + "): return SolveResult.failed(...) instead";
        }
        return switch (e.result()) {
            case SolveResult.Failed f when !f.detail().isBlank() -> null;
            case SolveResult.Failed f -> "failed with a blank detail";
            case SolveResult.Solved s -> "expected a failure, but " + e.describe();
            case null -> "expected SolveResult.failed(...), but " + e.describe();
        };
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}
