package dev.solvegate.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pauses between tries, and Retry-After in both its forms. */
class BackoffTest {

    private static HttpHeaders retryAfter(String value) {
        return HttpHeaders.of(Map.of("Retry-After", List.of(value)), (a, b) -> true);
    }

    @Test
    void pausesDoubleWithJitterUpToTheMaximum() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800));
        long[] expected = {100, 200, 400, 800, 800, 800};
        for (int failures = 1; failures <= expected.length; failures++) {
            long max = expected[failures - 1];
            long min = max;
            long top = 0;
            for (int i = 0; i < 200; i++) {
                long ms = TimeUnit.NANOSECONDS.toMillis(b.delayNanos(failures, Optional.empty()));
                min = Math.min(min, ms);
                top = Math.max(top, ms);
            }
            assertThat(min).as("after %d failures", failures).isGreaterThanOrEqualTo(max / 2);
            assertThat(top).as("after %d failures", failures).isLessThanOrEqualTo(max);
            assertThat(top - min).as("jitter after %d failures", failures).isGreaterThan(max / 10);
        }
    }

    @Test
    void retryAfterIsAFloorWithUpToATenthMore() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800));
        for (int i = 0; i < 200; i++) {
            long ms = TimeUnit.NANOSECONDS.toMillis(b.delayNanos(1, Optional.of(Duration.ofSeconds(2))));
            assertThat(ms).isBetween(2000L, 2200L);
        }
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(Backoff.retryAfter(retryAfter("5"), now)).hasValue(Duration.ofSeconds(5));
        assertThat(Backoff.retryAfter(retryAfter("Tue, 01 Dec 2026 10:00:30 GMT"), now))
                .hasValue(Duration.ofSeconds(30));
        assertThat(Backoff.retryAfter(retryAfter("Tue, 01 Dec 2026 09:00:00 GMT"), now))
                .hasValue(Duration.ZERO);
        assertThat(Backoff.retryAfter(retryAfter("soon"), now)).isEmpty();
        assertThat(Backoff.retryAfter(retryAfter("-3"), now)).isEmpty();
        assertThat(Backoff.retryAfter(HttpHeaders.of(Map.of(), (a, b) -> true), now))
                .isEmpty();
    }
}
