package dev.imagegateway.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** What one load run measured, turned into the benchmark table's row. */
final class LoadResult {

    private final long[] latenciesMs;
    private int count;
    private final Map<String, Integer> errors = new TreeMap<>();

    LoadResult() {
        latenciesMs = new long[1 << 20];
    }

    synchronized void ok(long latencyMs) {
        if (count < latenciesMs.length) {
            latenciesMs[count++] = latencyMs;
        }
    }

    synchronized void error(String status) {
        errors.merge(status, 1, Integer::sum);
    }

    synchronized int okCount() {
        return count;
    }

    synchronized Map<String, Integer> errors() {
        return new TreeMap<>(errors);
    }

    synchronized long percentile(double p) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(latenciesMs, count);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, index))];
    }

    synchronized long max() {
        long max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, latenciesMs[i]);
        }
        return max;
    }
}
