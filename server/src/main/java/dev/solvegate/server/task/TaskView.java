package dev.solvegate.server.task;

/**
 * A task as getTaskResult and callbacks show it. Thread-safety: immutable.
 *
 * @param status {@code queued}, {@code solving}, {@code ready} or {@code failed}
 * @param token the solution, only when ready
 * @param cost micro-units charged, only when ready
 * @param createdAt acceptance, epoch ms
 * @param endedAt the end, epoch ms; null while in flight
 * @param errorCode a catalogue code name, only when failed
 * @param errorDescription the description the client sees, only when failed
 */
public record TaskView(
        long id,
        String status,
        String token,
        Long cost,
        String clientIp,
        long createdAt,
        Long endedAt,
        int solveCount,
        String errorCode,
        String errorDescription) {}
