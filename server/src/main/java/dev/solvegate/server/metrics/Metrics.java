package dev.solvegate.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The node's meters, exposed in Prometheus text on the admin port's {@code GET /metrics}. Names and tags are
 * listed in {@code docs/ARCHITECTURE.md}. Gauges that count rows query the database when scraped and show
 * {@code NaN} while it is unreachable.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class Metrics {

    private static final System.Logger LOG = System.getLogger(Metrics.class.getName());

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final java.util.concurrent.ConcurrentHashMap<RequestSeries, Timer> requestTimers =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Timer claimDelay = Timer.builder("solvegate.task.start.delay")
            .description("time from acceptance to a worker claiming the task")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);

    private final Clock clock;
    private final Minutes minutes = new Minutes();
    private volatile IntSupplier busyWorkers = () -> 0;
    private volatile int maxWorkers;

    public Metrics() {
        this(Clock.systemUTC());
    }

    /** @param clock when tasks end, for {@link #minutes} */
    public Metrics(Clock clock) {
        this.clock = clock;
    }

    /** This node's ended tasks per minute (the operator console's live view). */
    public Minutes minutes() {
        return minutes;
    }

    /** Solves running on this node now (0 before the engine registered its gauges). */
    public int workersBusy() {
        return busyWorkers.getAsInt();
    }

    /** {@code SOLVEGATE_WORKERS} (0 before the engine registered its gauges). */
    public int workersMax() {
        return maxWorkers;
    }

    /** Records one public API request: {@code method} is the API method (or {@code other}), {@code status} HTTP. */
    public void request(String method, int status, String answer, long nanos) {
        RequestSeries series = new RequestSeries(method, status, answer);
        Timer timer = requestTimers.get(series);
        if (timer == null) {
            timer = requestTimers.computeIfAbsent(series, this::requestTimer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One series of the request timer; few (methods × statuses × codes), so each is kept once built. */
    private record RequestSeries(String method, int status, String answer) {}

    private Timer requestTimer(RequestSeries s) {
        return Timer.builder("solvegate.http.requests")
                .description("public API requests by method, HTTP status and answer (an error code, or ok)")
                .tag("method", s.method())
                .tag("status", Integer.toString(s.status()))
                .tag("code", s.answer())
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** A worker claimed a task {@code millis} after it was accepted. */
    public void claimed(long millis) {
        claimDelay.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** Registers {@code solvegate_solver_info{id,jar,version,spi} 1} for a solver this node runs. */
    public void solver(String id, String jar, String version, String spi) {
        Gauge.builder("solvegate.solver.info", () -> 1)
                .description("the solvers this node runs: id, plugin jar (or built-in), version, SPI version")
                .tag("id", id)
                .tag("jar", jar)
                .tag("version", version)
                .tag("spi", spi)
                .register(registry);
    }

    /** One solve attempt of {@code solver} ended with {@code outcome} ({@code ready} or an error code). */
    public void attempt(String solver, String outcome, long millis) {
        Timer.builder("solvegate.solve.duration")
                .description("solve attempts by solver and outcome")
                .tag("solver", solver)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)
                .record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** A task ended with {@code code} ({@code ready} or an error code), {@code millis} after acceptance. */
    public void ended(String code, long millis) {
        Counter.builder("solvegate.tasks.ended")
                .description("ended tasks by outcome")
                .tag("code", code)
                .register(registry)
                .increment();
        Timer.builder("solvegate.task.duration")
                .description("acceptance to end, by outcome")
                .tag("code", code)
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)
                .record(Math.max(0, millis), TimeUnit.MILLISECONDS);
        minutes.record(clock.millis(), code, millis);
    }

    /** A first verdict on a task of {@code solver}: {@code correct} or {@code incorrect}. */
    public void reported(String solver, String verdict) {
        Counter.builder("solvegate.reports")
                .description("reportCorrect and reportIncorrect, one per task, by solver and verdict")
                .tag("solver", solver)
                .tag("verdict", verdict)
                .register(registry)
                .increment();
    }

    /** Registers the engine's gauges: busy workers, utilisation, queue depth and in-flight tasks (all nodes). */
    public void engineGauges(IntSupplier busy, int workers, LongSupplier queued, LongSupplier inFlight) {
        this.busyWorkers = busy;
        this.maxWorkers = workers;
        Gauge.builder("solvegate.workers.busy", busy::getAsInt)
                .description("solves running on this node")
                .register(registry);
        Gauge.builder("solvegate.workers.max", () -> workers)
                .description("SOLVEGATE_WORKERS")
                .register(registry);
        Gauge.builder("solvegate.workers.utilisation", () -> busy.getAsInt() / (double) workers)
                .description("busy workers / SOLVEGATE_WORKERS on this node")
                .register(registry);
        Gauge.builder("solvegate.queue.depth", () -> count(queued))
                .description("queued tasks, all nodes")
                .register(registry);
        Gauge.builder("solvegate.tasks.inflight", () -> count(inFlight))
                .description("accepted tasks not yet ended, all nodes")
                .register(registry);
    }

    private static double count(LongSupplier s) {
        try {
            return s.getAsLong();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "gauge query failed: " + e);
            return Double.NaN;
        }
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
