package dev.solvegate.testkit;

import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.SolveContext;
import dev.solvegate.spi.SolverSettings;
import java.time.Instant;

/** The kit's {@link SolveContext} for one attempt. Thread-safety: safe; {@link #cancel()} from any thread. */
final class KitContext implements SolveContext {

    private final SolverSettings settings;
    private final Instant deadline;
    private final ProxiedNetwork network;
    private volatile boolean cancelled;

    KitContext(SolverSettings settings, Instant deadline, ProxiedNetwork network) {
        this.settings = settings;
        this.deadline = deadline;
        this.network = network;
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
        return cancelled;
    }

    @Override
    public ProxiedNetwork network() {
        return network;
    }

    void cancel() {
        cancelled = true;
    }
}
