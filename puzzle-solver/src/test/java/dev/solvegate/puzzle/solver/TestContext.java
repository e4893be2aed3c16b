package dev.solvegate.puzzle.solver;

import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.SolveContext;
import dev.solvegate.spi.SolverSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** A solve context for tests: given settings and network, a deadline, and a cancel switch. */
final class TestContext implements SolveContext {

    private final SolverSettings settings;
    private final Instant deadline;
    private final ProxiedNetwork network;
    final AtomicBoolean cancelled = new AtomicBoolean();

    TestContext(Map<String, Object> settings, Instant deadline, ProxiedNetwork network) {
        this.settings = new SolverSettings(settings);
        this.deadline = deadline;
        this.network = network;
    }

    TestContext(Map<String, Object> settings, ProxiedNetwork network) {
        this(settings, Instant.now().plus(Duration.ofSeconds(30)), network);
    }

    @Override
    public SolverSettings settings() {
        return settings;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public boolean cancelled() {
        return cancelled.get();
    }

    @Override
    public ProxiedNetwork network() {
        return network;
    }
}
