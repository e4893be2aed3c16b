package dev.solvegate.server.intake;

import dev.solvegate.server.store.Changes;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Whether this node takes new tasks: the operator's switch, shared by every node through the database, and
 * this node's own drain flag, set once when it shuts down (the other nodes keep accepting).
 *
 * <p>createTask reads the switch from a copy kept here ({@link #open}), so that it costs no query: the copy is
 * dropped when the switch changes ({@link #changed}, told by every node's listener of the {@link Changes}
 * notice, and at once on the node that set it) and is at most {@link Changes#MAX_AGE_NANOS} old in any case. A
 * generation counter keeps a read that raced a change from storing the old value.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class Intake {

    /** The switch as read, and when (System.nanoTime). */
    private record Copy(boolean accepting, long readAt, long generation) {}

    private final Jdbi jdbi;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong generation = new AtomicLong();
    private volatile Copy copy;

    public Intake(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Whether createTask may accept a task here now: the operator's switch is on and this node is not draining. */
    public boolean open() {
        return !draining.get() && cachedAcceptingTasks();
    }

    private boolean cachedAcceptingTasks() {
        Copy c = copy;
        long gen = generation.get();
        if (c != null && c.generation() == gen && System.nanoTime() - c.readAt() < Changes.MAX_AGE_NANOS) {
            return c.accepting();
        }
        long readAt = System.nanoTime();
        boolean accepting = acceptingTasks();
        if (generation.get() == gen) {
            copy = new Copy(accepting, readAt, gen);
        }
        return accepting;
    }

    /** The operator's switch, as every node sees it, read now. */
    public boolean acceptingTasks() {
        return jdbi.withHandle(h -> h.createQuery("SELECT accepting_tasks FROM service_state WHERE id = 1")
                .mapTo(Boolean.class)
                .one());
    }

    /** Sets the operator's switch for every node: this node's copy at once, the others' by a notice. */
    public void setAcceptingTasks(boolean accepting) {
        try {
            jdbi.useTransaction(h -> {
                h.createUpdate("UPDATE service_state SET accepting_tasks = :a WHERE id = 1")
                        .bind("a", accepting)
                        .execute();
                Changes.announce(h, Changes.INTAKE);
            });
        } finally {
            generation.incrementAndGet();
        }
    }

    /** A {@link Changes} notice: drops the copy of the switch when it concerns it. */
    public void changed(String what) {
        if (Changes.concerns(what, Changes.INTAKE)) {
            generation.incrementAndGet();
        }
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
