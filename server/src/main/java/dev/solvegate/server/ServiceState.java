package dev.solvegate.server;

import org.jdbi.v3.core.Jdbi;

/**
 * The operator's intake switch, shared by every node through the database. Thread-safety: safe for
 * concurrent use.
 */
public final class ServiceState {

    private final Jdbi jdbi;

    public ServiceState(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Whether createTask accepts new tasks. */
    public boolean acceptingTasks() {
        return jdbi.withHandle(h -> h.createQuery("SELECT accepting_tasks FROM service_state WHERE id = 1")
                .mapTo(Boolean.class)
                .one());
    }

    public void setAcceptingTasks(boolean accepting) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE service_state SET accepting_tasks = :a WHERE id = 1")
                .bind("a", accepting)
                .execute());
    }
}
