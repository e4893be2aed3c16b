package dev.solvegate.bench;

/**
 * What one measured load produced.
 *
 * @param perSecond completed operations per second
 * @param p50Ms median latency, ms (NaN when not measured)
 * @param p99Ms 99th percentile latency, ms (NaN when not measured)
 * @param count operations completed
 * @param errors operations that failed (non-2xx replies, socket errors, refused transactions)
 */
record Load(double perSecond, double p50Ms, double p99Ms, long count, long errors) {

    static Load rateOnly(double perSecond, long count, long errors) {
        return new Load(perSecond, Double.NaN, Double.NaN, count, errors);
    }
}
