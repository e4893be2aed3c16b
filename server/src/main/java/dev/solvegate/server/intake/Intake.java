package dev.solvegate.server.intake;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;

/**
 * Whether this node takes new tasks: the operator's switch, shared by every node through the database, and
 * this node's own drain flag, set once when it shuts down (the other nodes keep accepting).
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class Intake {

    private final Jdbi jdbi;
    private final AtomicBoolean draining = new AtomicBoolean();

    public Intake(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Whether createTask may accept a task here now: the operator's switch is on and this node is not draining. */
    public boolean open() {
        return !draining.get() && acceptingTasks();
    }

    /** The operator's switch, as every node sees it. */
    public boolean acceptingTasks() {
        return jdbi.withHandle(h -> h.createQuery("SELECT accepting_tasks FROM service_state WHERE id = 1")
                .mapTo(Boolean.class)
                .one());
    }

    /** Sets the operator's switch for every node. */
    public void setAcceptingTasks(boolean accepting) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE service_state SET accepting_tasks = :a WHERE id = 1")
                .bind("a", accepting)
                .execute());
    }

    /** Closes this node's intake for good: the node is shutting down. */
    public void drain() {
        draining.set(true);
    }

    /** Whether this node is draining. */
    public boolean draining() {
        return draining.get();
    }
}
