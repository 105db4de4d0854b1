package dev.bgevl.streams.ops;

import dev.bgevl.streams.encoder.batch.Lane;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * {@code bgevl_encoder_queue_depth{lane}} and {@code bgevl_encoder_queue_capacity}, read from the
 * micro-batcher at every scrape. Until a batcher is registered both families are written without
 * samples: a zero would claim an empty queue nobody looked at.
 */
final class EncoderQueueGauge implements MetricFamily {
  static final String DEPTH = "bgevl_encoder_queue_depth";
  static final String CAPACITY = "bgevl_encoder_queue_capacity";

  /** What is read at a scrape: the per-lane depth and the shared capacity. */
  private record Source(ToIntFunction<Lane> queued, int capacity) {}

  // replaced whole, so a scrape never sees one batcher's depth with another's capacity
  private volatile Source source;

  void register(ToIntFunction<Lane> queued, int capacity) {
    source = new Source(queued, capacity);
  }

  @Override
  public void writeTo(PrometheusWriter out) {
    Source current = source;
    out.family(DEPTH, "gauge", "Items waiting in the encoder queue, not yet in a batch, by lane.");
    if (current != null) {
      for (Lane lane : Lane.values()) {
        out.sample(DEPTH, Map.of("lane", lane.name()), current.queued().applyAsInt(lane));
      }
    }
    out.family(
        CAPACITY, "gauge", "Items the encoder queue holds before submits wait or are refused.");
    if (current != null) {
      out.sample(CAPACITY, Map.of(), current.capacity());
    }
  }
}
