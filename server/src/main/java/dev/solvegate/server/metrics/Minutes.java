package dev.solvegate.server.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This node's ended tasks per minute for the last hour: counts by outcome and the time from acceptance to
 * {@code ready}, for the operator console's live view ({@code GET /admin/stats}). Prometheus keeps the totals
 * since start; this keeps the recent shape, which the tasks table cannot (ended rows are reaped after
 * {@code SOLVEGATE_RESULT_TTL}). Percentiles come from a uniform sample of at most {@value #SAMPLES} ready
 * tasks per minute (reservoir sampling), so memory stays bounded at any rate.
 *
 * <p>Thread-safety: safe for concurrent use (one lock, held for a few array writes per ended task).
 */
public final class Minutes {

    /** How many minutes are kept. */
    public static final int KEPT = 60;

    private static final int SAMPLES = 512;
    private static final long MINUTE_MS = 60_000L;

    /**
     * One minute. @param start its first instant, epoch ms @param byOutcome ended tasks by {@code ready} or
     * error code @param p50 @param p90 @param p99 milliseconds from acceptance to ready, -1 when none was ready
     */
    public record Minute(long start, Map<String, Long> byOutcome, long p50, long p90, long p99) {

        /** Tasks that ended ready. */
        public long ready() {
            return byOutcome.getOrDefault("ready", 0L);
        }

        /** Tasks that ended with an error. */
        public long failed() {
            return byOutcome.values().stream().mapToLong(Long::longValue).sum() - ready();
        }
    }

    private static final class Slot {
        long minute = Long.MIN_VALUE;
        final Map<String, Long> counts = new TreeMap<>();
        final long[] samples = new long[SAMPLES];
        long seen;

        void reset(long m) {
            minute = m;
            counts.clear();
            seen = 0;
        }
    }

    private final Slot[] slots = new Slot[KEPT];

    public Minutes() {
        for (int i = 0; i < KEPT; i++) {
            slots[i] = new Slot();
        }
    }

    /** A task ended at {@code now} with {@code outcome}, {@code millis} after its acceptance. */
    public synchronized void record(long now, String outcome, long millis) {
        long m = Math.floorDiv(now, MINUTE_MS);
        Slot s = slots[Math.floorMod(m, KEPT)];
        if (s.minute != m) {
            s.reset(m);
        }
        s.counts.merge(outcome, 1L, Long::sum);
        if (!"ready".equals(outcome)) {
            return;
        }
        if (s.seen < SAMPLES) {
            s.samples[(int) s.seen] = Math.max(0, millis);
        } else {
            long j = ThreadLocalRandom.current().nextLong(s.seen + 1);
            if (j < SAMPLES) {
                s.samples[(int) j] = Math.max(0, millis);
            }
        }
        s.seen++;
    }

    /** The last {@code count} minutes up to and including the one of {@code now}, oldest first, empty ones too. */
    public synchronized List<Minute> last(long now, int count) {
        long current = Math.floorDiv(now, MINUTE_MS);
        List<Minute> out = new ArrayList<>(count);
        for (long m = current - Math.min(count, KEPT) + 1; m <= current; m++) {
            Slot s = slots[Math.floorMod(m, KEPT)];
            if (s.minute != m) {
                out.add(new Minute(m * MINUTE_MS, Map.of(), -1, -1, -1));
                continue;
            }
            long[] sorted = Arrays.copyOf(s.samples, (int) Math.min(s.seen, SAMPLES));
            Arrays.sort(sorted);
            out.add(new Minute(
                    m * MINUTE_MS,
                    Map.copyOf(s.counts),
                    percentile(sorted, 50),
                    percentile(sorted, 90),
                    percentile(sorted, 99)));
        }
        return out;
    }

    /** The nearest-rank percentile of sorted values, or -1 when there are none. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
