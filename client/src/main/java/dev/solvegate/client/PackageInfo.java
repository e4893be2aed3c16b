package dev.solvegate.client;

import java.time.Instant;

/**
 * The prepaid package a key is bound to, as getBalance shows it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param name the package's name
 * @param threads how many of its tasks may be in flight at once
 * @param hourlyQuota tasks it may start per UTC hour
 * @param hourlyUsed tasks started this UTC hour
 * @param dailyQuota tasks it may start per UTC day
 * @param dailyUsed tasks started this UTC day
 * @param expiresAt when it expires; null when the server did not say
 * @param paused whether the operator paused it
 */
public record PackageInfo(
        String name,
        int threads,
        long hourlyQuota,
        long hourlyUsed,
        long dailyQuota,
        long dailyUsed,
        Instant expiresAt,
        boolean paused) {}
