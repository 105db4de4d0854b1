package dev.bgevl.streams.ops;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A count per constant of an enum, as one label ({@code reason}, {@code status}, {@code lane}).
 * Every constant is exported from the start, at zero, so a rate over it exists before the first
 * event.
 */
final class EnumCounter<E extends Enum<E>> implements MetricFamily {
  private final String name;
  private final String help;
  private final String label;
  private final EnumMap<E, LongAdder> counts;

  EnumCounter(String name, String help, String label, Class<E> type) {
    this.name = name;
    this.help = help;
    this.label = label;
    this.counts = new EnumMap<>(type);
    for (E constant : type.getEnumConstants()) {
      counts.put(constant, new LongAdder());
    }
  }

  void add(E key, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a counter only grows, got " + n);
    }
    // the map is filled once and never changed, so reading it needs no lock
    counts.get(key).add(n);
  }

  long value(E key) {
    return counts.get(key).sum();
  }

  @Override
  public void writeTo(PrometheusWriter out) {
    out.family(name, "counter", help);
    counts.forEach((key, count) -> out.sample(name, Map.of(label, key.name()), count.sum()));
  }
}
