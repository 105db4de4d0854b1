package dev.bgevl.streams.ops;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** A monotonic count without labels; lock-free, cheap to bump from any thread. */
final class Counter implements MetricFamily {
  private final String name;
  private final String help;
  private final LongAdder count = new LongAdder();

  Counter(String name, String help) {
    this.name = name;
    this.help = help;
  }

  void add(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a counter only grows, got " + n);
    }
    count.add(n);
  }

  long value() {
    return count.sum();
  }

  @Override
  public void writeTo(PrometheusWriter out) {
    out.family(name, "counter", help);
    out.sample(name, Map.of(), count.sum());
  }
}
