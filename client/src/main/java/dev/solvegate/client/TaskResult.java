package dev.solvegate.client;

import java.util.Objects;
import java.util.Optional;

/**
 * getTaskResult's answer for a task that did not fail: still processing, or ready with its {@link Solution}. A
 * failed task is a {@link SolvegateException} with {@link SolvegateException#taskFailed()} true.
 *
 * <p>Thread-safety: immutable.
 */
public final class TaskResult {

    /** Where the task is. */
    public enum Status {
        /** queued or solving */
        PROCESSING,
        /** solved: see {@link #solution()} */
        READY
    }

    private final long taskId;
    private final Solution solution;

    private TaskResult(long taskId, Solution solution) {
        this.taskId = taskId;
        this.solution = solution;
    }

    static TaskResult processing(long taskId) {
        return new TaskResult(taskId, null);
    }

    static TaskResult ready(Solution solution) {
        return new TaskResult(solution.taskId(), Objects.requireNonNull(solution));
    }

    public long taskId() {
        return taskId;
    }

    public Status status() {
        return solution == null ? Status.PROCESSING : Status.READY;
    }

    public boolean isReady() {
        return solution != null;
    }

    /** The solution once {@link Status#READY}; empty while processing. */
    public Optional<Solution> solution() {
        return Optional.ofNullable(solution);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskResult
                && ((TaskResult) o).taskId == taskId
                && Objects.equals(((TaskResult) o).solution, solution);
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskId, solution);
    }

    @Override
    public String toString() {
        return "TaskResult{taskId=" + taskId + ", status=" + status() + (solution == null ? "" : ", " + solution) + "}";
    }
}
