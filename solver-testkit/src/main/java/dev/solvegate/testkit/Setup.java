package dev.solvegate.testkit;

import dev.solvegate.spi.SolveTask;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How to run the solver for one scenario: the template's settings and, if the default task does not suit,
 * a change to it.
 *
 * <p>The default task has a fresh positive {@code taskId}, {@code websiteURL} = the site's URL + {@code login},
 * a random lower-case UUID as {@code websitePublicKey}, the site's {@code host:port} as {@code
 * websiteSubdomain}, {@code data} {@code "{}"}, no headers and no user agent. A change must keep the {@code
 * taskId} it is given.
 *
 * <p>Thread-safety: immutable.
 */
public final class Setup {

    private final Map<String, Object> settings;
    private final UnaryOperator<SolveTask> task;

    private Setup(Map<String, Object> settings, UnaryOperator<SolveTask> task) {
        this.settings = Map.copyOf(settings);
        this.task = Objects.requireNonNull(task, "task");
    }

    /** A setup with these template settings (plain JSON values: String, Long, Double, Boolean, List, Map). */
    public static Setup settings(Map<String, Object> settings) {
        return new Setup(settings, t -> t);
    }

    /** This setup with the default task changed by {@code change}. */
    public Setup task(UnaryOperator<SolveTask> change) {
        return new Setup(settings, change);
    }

    Map<String, Object> settings() {
        return settings;
    }

    SolveTask taskFrom(SolveTask base) {
        SolveTask t = Objects.requireNonNull(task.apply(base), "the setup's task change returned null");
        if (t.taskId() != base.taskId()) {
            throw new IllegalArgumentException("a setup's task change must keep the taskId " + base.taskId());
        }
        return t;
    }
}
