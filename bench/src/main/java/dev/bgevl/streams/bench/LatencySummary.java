package dev.bgevl.streams.bench;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of latencies in milliseconds; NaN when there are none. */
record LatencySummary(int count, double p50, double p95, double p99, double max) {

  static LatencySummary of(List<Double> millis) {
    if (millis.isEmpty()) {
      return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] s = millis.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    return new LatencySummary(
        s.length, rank(s, 0.50), rank(s, 0.95), rank(s, 0.99), s[s.length - 1]);
  }

  private static double rank(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
