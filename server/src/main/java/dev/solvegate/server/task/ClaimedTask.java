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
 * @param solveCount attempts counted so far, this claim's first one included
 */
public record ClaimedTask(
        long id, String solver, String settings, String request, long createdAt, long deadline, int solveCount) {}
