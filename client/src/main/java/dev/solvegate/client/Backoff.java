package dev.solvegate.client;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next try: exponential in the number of failed tries, from {@code initial} up to
 * {@code max}, with "equal jitter" (half fixed, half random, so no client waits close to nothing and clients that
 * failed together do not come back together); never shorter than the server's {@code Retry-After}, which gets
 * up to a tenth more at random, for the same reason. Thread-safety: immutable.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;

    Backoff(Duration initial, Duration max) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = Math.max(max.toNanos(), initialNanos);
    }

    /** The pause after the {@code failures}-th failed try (1 for the first), given the reply's Retry-After. */
    long delayNanos(int failures, Optional<Duration> retryAfter) {
        long exponential = initialNanos;
        for (int i = 1; i < failures && exponential < maxNanos; i++) {
            exponential *= 2;
        }
        exponential = Math.min(exponential, maxNanos);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long jittered = exponential / 2 + random.nextLong(exponential / 2 + 1);
        if (retryAfter.isEmpty()) {
            return jittered;
        }
        long server = retryAfter.get().toNanos();
        return Math.max(jittered, server + random.nextLong(server / 10 + 1));
    }

    /**
     * {@code Retry-After} as delta-seconds or an HTTP-date; empty when absent or unreadable. A date in the past
     * is zero.
     */
    static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty() || value.get().isEmpty()) {
            return Optional.empty();
        }
        String v = value.get();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException tooLong) {
                return Optional.empty();
            }
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException unreadable) {
            return Optional.empty();
        }
    }
}
