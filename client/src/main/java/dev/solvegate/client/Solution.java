package dev.solvegate.client;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A ready task's result.
 *
 * <p>Thread-safety: immutable.
 *
 * @param taskId the task
 * @param token the token to hand to the website; never null
 * @param cost what the task cost (zero for a package key); null when the server did not say
 * @param ip the address the task was created from; null when the server did not say
 * @param createTime when the task was accepted; null when the server did not say
 * @param endTime when the task ended; null when the server did not say
 * @param solveCount how many solve attempts ran; 0 when the server did not say
 */
public record Solution(
        long taskId, String token, BigDecimal cost, String ip, Instant createTime, Instant endTime, int solveCount) {}
