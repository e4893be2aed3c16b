package dev.solvegate.server.task;

/**
 * A task this node has claimed: its row as the worker needs it. Thread-safety: immutable.
 *
 * @param id the task id
 * @param solver the template's solver id, snapshotted at admission
 * @param settings the template's settings JSON, snapshotted at admission
 * @param request the stored request JSON (see {@code TaskCodec})
 * @param createdAt acceptance time, epoch ms
 * @param deadline the task's deadline, epoch ms
 * @param attempt the task's {@code solve_count} after this claim: the fencing token that the worker's later
 *     statements on the task check, so that a worker whose task was taken from it (and claimed again, perhaps by
 *     this very node) can neither count, settle nor hand back what is no longer its attempt
 */
public record ClaimedTask(
        long id, String solver, String settings, String request, long createdAt, long deadline, int attempt) {}
