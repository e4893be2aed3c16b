package dev.solvegate.server.task;

/**
 * The queue as getQueueStats shows it, all live nodes together. Thread-safety: immutable.
 *
 * @param waiting queued tasks
 * @param busy busy worker slots on nodes with a live lease, as their last heartbeats wrote them
 * @param total worker slots on nodes with a live lease
 * @param meanReadyMillis mean time from acceptance to ready of the tasks that became ready in the window and are
 *     still retained; 0 when none
 */
public record QueueStats(long waiting, long busy, long total, double meanReadyMillis) {}
