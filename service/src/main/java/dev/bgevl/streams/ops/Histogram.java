package dev.bgevl.streams.ops;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram over fixed buckets. Observations are whole numbers in a raw unit (nanoseconds, items)
 * and are exported divided by {@code perUnit} (1e9 turns nanoseconds into seconds; a division,
 * unlike a product with 1e-9, maps 5 ms exactly onto the 0.005 bound); buckets are counted apart
 * and summed into Prometheus' cumulative {@code le} buckets only when written, so observing is
 * lock-free.
 */
final class Histogram implements MetricFamily {
  /** Nanoseconds per second, for histograms that observe nanoseconds. */
  static final double NANOS = 1e9;

  /** Milliseconds per second, for histograms that observe milliseconds. */
  static final double MILLIS = 1e3;

  private final String name;
  private final String help;
  private final double[] bounds;
  private final double perUnit;
  private final LongAdder[] buckets;
  private final LongAdder sum = new LongAdder();

  /** {@code bounds} are the upper bounds in the exported unit, ascending; {@code +Inf} is added. */
  Histogram(String name, String help, double[] bounds, double perUnit) {
    for (int i = 1; i < bounds.length; i++) {
      if (bounds[i] <= bounds[i - 1]) {
        throw new IllegalArgumentException("bucket bounds must ascend: " + Arrays.toString(bounds));
      }
    }
    this.name = name;
    this.help = help;
    this.bounds = bounds.clone();
    this.perUnit = perUnit;
    this.buckets = new LongAdder[bounds.length + 1];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** Records one observation in the raw unit; a negative one (a clock step) counts as zero. */
  void observe(long raw) {
    long value = Math.max(0, raw);
    double exported = value / perUnit;
    int i = 0;
    while (i < bounds.length && exported > bounds[i]) {
      i++;
    }
    buckets[i].increment();
    sum.add(value);
  }

  long count() {
    long count = 0;
    for (LongAdder bucket : buckets) {
      count += bucket.sum();
    }
    return count;
  }

  @Override
  public void writeTo(PrometheusWriter out) {
    out.family(name, "histogram", help);
    long cumulative = 0;
    for (int i = 0; i < buckets.length; i++) {
      cumulative += buckets[i].sum();
      double le = i < bounds.length ? bounds[i] : Double.POSITIVE_INFINITY;
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("le", PrometheusWriter.format(le));
      out.sample(name + "_bucket", labels, cumulative);
    }
    // _count is the +Inf bucket by construction, so the two never disagree within one scrape
    out.sample(name + "_sum", Map.of(), sum.sum() / perUnit);
    out.sample(name + "_count", Map.of(), cumulative);
  }
}
