package dev.bgevl.streams.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The records of one task that wait for their batch, in a changelogged key-value store keyed by
 * source offset: offsets sort in arrival order and are unique per partition (a task reads one), and
 * a record replayed after a crash overwrites its own entry instead of doubling it.
 *
 * <p>A batch is due when it is full or its oldest record has waited the maximum delay: a flush on a
 * fixed clock instead would fire between two records whenever the flush itself takes about as long
 * as the interval, and batches would shrink to one record. A flush takes a {@link #snapshot()} and
 * {@link #remove removes} it only once the batch is applied, so a failure in between leaves the
 * batch in the store for the restarted task.
 *
 * <p>Streams hands a processor one wall-clock reading for a whole processing pass: records added in
 * the pass after a full batch's flush read the time the pass began, before the flush. Their wait is
 * counted from the clock's next reading instead, or they would look as old as the flush was long
 * and go out at the next check as a batch of a few records. (A flush by the punctuator ends its
 * pass, so the records after it get a fresh reading.)
 */
public final class PendingBuffer<V> {

  private static final long NONE = -1;

  private final KeyValueStore<String, V> store;
  private final int maxSize;
  private final long maxDelayNanos;
  private final LongSupplier nanoClock;
  private int added;
  private long oldestNanos = NONE;
  // the reading the last full batch's snapshot was taken at, and whether the oldest record was
  // stamped with it
  private long snapshotNanos = NONE;
  private boolean oldestStampedAtSnapshot;

  /**
   * @param nanoClock the time in nanoseconds; processors pass their context's wall clock ({@code
   *     context.currentSystemTimeMs()}), so {@code TopologyTestDriver} drives it in tests
   */
  public PendingBuffer(
      KeyValueStore<String, V> store, int maxSize, Duration maxDelay, LongSupplier nanoClock) {
    this.store = store;
    this.maxSize = maxSize;
    this.maxDelayNanos = maxDelay.toNanos();
    this.nanoClock = nanoClock;
    // entries restored from the changelog waited for an unknown time: flush them at the first check
    if (store.approximateNumEntries() > 0) {
      oldestNanos = nanoClock.getAsLong() - maxDelayNanos;
    }
  }

  /** The time source for a processor's buffer: its context's wall clock, which tests drive. */
  public static LongSupplier wallClockOf(ProcessorContext<?, ?> context) {
    return () -> TimeUnit.MILLISECONDS.toNanos(context.currentSystemTimeMs());
  }

  /**
   * A processor's buffer on its store {@code storeName}, on the processor's wall clock, with a
   * wall-clock punctuation that runs {@code flush} whenever the batch is due.
   */
  public static <V> PendingBuffer<V> scheduled(
      ProcessorContext<?, ?> context,
      String storeName,
      int maxSize,
      Duration maxDelay,
      Consumer<PendingBuffer<V>> flush) {
    PendingBuffer<V> buffer =
        new PendingBuffer<>(
            context.getStateStore(storeName), maxSize, maxDelay, wallClockOf(context));
    context.schedule(
        checkInterval(maxDelay),
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          if (buffer.isDue()) {
            flush.accept(buffer);
          }
        });
    return buffer;
  }

  /**
   * How often a wall-clock punctuator should ask {@link #isDue()}: a fraction of the delay, at
   * least 1 ms.
   */
  public static Duration checkInterval(Duration maxDelay) {
    return Duration.ofMillis(Math.max(1, maxDelay.toMillis() / 5));
  }

  /** Adds the record read at {@code offset}; true when the batch is now full. */
  public boolean add(long offset, V value) {
    store.put(String.format("%019d", offset), value);
    if (oldestNanos == NONE) {
      oldestNanos = nanoClock.getAsLong();
      oldestStampedAtSnapshot = oldestNanos == snapshotNanos;
    }
    return ++added >= maxSize;
  }

  /** Whether the oldest waiting record has waited the maximum delay. */
  public boolean isDue() {
    if (oldestNanos == NONE) {
      return false;
    }
    long now = nanoClock.getAsLong();
    if (oldestStampedAtSnapshot && now != oldestNanos) {
      // the first reading after the pass that flushed: the oldest record's wait starts here
      oldestNanos = now;
      oldestStampedAtSnapshot = false;
    }
    return now - oldestNanos >= maxDelayNanos;
  }

  /** Everything waiting, in offset order, including what a restored changelog brought back. */
  public List<KeyValue<String, V>> snapshot() {
    List<KeyValue<String, V>> batch = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      while (it.hasNext()) {
        batch.add(it.next());
      }
    }
    snapshotNanos = added >= maxSize ? nanoClock.getAsLong() : NONE;
    added = 0;
    oldestNanos = NONE;
    return batch;
  }

  /** Removes a snapshot once it is applied. */
  public void remove(List<KeyValue<String, V>> batch) {
    for (KeyValue<String, V> entry : batch) {
      store.delete(entry.key);
    }
  }
}
