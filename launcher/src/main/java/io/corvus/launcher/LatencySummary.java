package io.corvus.launcher;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Percentiles of measured latencies, in milliseconds rounded to hundredths: what the benchmarks print. */
record LatencySummary(int count, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

    /** Summarizes latencies given in nanoseconds (the array is sorted in place). */
    static LatencySummary ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no latencies to summarize");
        }
        Arrays.sort(nanos);
        return new LatencySummary(nanos.length, at(nanos, 0.50), at(nanos, 0.90), at(nanos, 0.99), at(nanos, 1.0));
    }

    /** The figures under {@code prefix} (latencyP50Ms, …), in the order the tables print them. */
    Map<String, Object> figures(String prefix) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put(prefix + "P50Ms", p50Ms);
        figures.put(prefix + "P90Ms", p90Ms);
        figures.put(prefix + "P99Ms", p99Ms);
        figures.put(prefix + "MaxMs", maxMs);
        return figures;
    }

    /** The nearest-rank quantile. */
    private static double at(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return round(sorted[Math.max(0, index)] / 1e6);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
