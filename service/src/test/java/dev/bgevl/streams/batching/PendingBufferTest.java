package dev.bgevl.streams.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batch rules on a real in-memory key-value store. */
class PendingBufferTest {

  private KeyValueStore<String, String> store;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void openStore() {
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("pending"), Serdes.String(), Serdes.String())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
  }

  @Test
  void shouldBeFullAtMaxSizeAndNotBefore() {
    PendingBuffer<String> buffer = new PendingBuffer<>(store, 3, Duration.ofHours(1), nanos::get);
    assertFalse(buffer.add(10, "a"));
    assertFalse(buffer.add(11, "b"));
    assertTrue(buffer.add(12, "c"));
  }

  @Test
  void shouldBeDueOnlyOnceTheOldestRecordWaitedTheDelay() {
    PendingBuffer<String> buffer =
        new PendingBuffer<>(store, 100, Duration.ofMillis(80), nanos::get);
    assertFalse(buffer.isDue(), "nothing waiting, nothing due");
    buffer.add(1, "a");
    nanos.addAndGet(Duration.ofMillis(79).toNanos());
    assertFalse(buffer.isDue(), "1 ms short of the delay");
    buffer.add(2, "b");
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertTrue(buffer.isDue(), "the oldest record decides, not the newest");
  }

  @Test
  void shouldCountTheWaitOfARecordAddedInTheFlushingPassFromTheClocksNextReading() {
    PendingBuffer<String> buffer = new PendingBuffer<>(store, 2, Duration.ofMillis(80), nanos::get);
    buffer.add(1, "a");
    assertTrue(buffer.add(2, "b"), "full");
    buffer.snapshot();
    // the flush took 200 ms, but Streams' clock still reads the start of the pass
    buffer.add(3, "c");
    nanos.addAndGet(Duration.ofMillis(200).toNanos());
    assertFalse(buffer.isDue(), "added just now, not 200 ms ago");
    nanos.addAndGet(Duration.ofMillis(79).toNanos());
    assertFalse(buffer.isDue(), "1 ms short of the delay since that reading");
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertTrue(buffer.isDue());
  }

  @Test
  void shouldCountTheWaitFromTheAddWhenTheClockMovedSinceTheFlush() {
    PendingBuffer<String> buffer = new PendingBuffer<>(store, 2, Duration.ofMillis(80), nanos::get);
    buffer.add(1, "a");
    buffer.add(2, "b");
    buffer.snapshot();
    nanos.addAndGet(Duration.ofMillis(5).toNanos());
    buffer.add(3, "c");
    nanos.addAndGet(Duration.ofMillis(80).toNanos());
    assertTrue(buffer.isDue(), "a later pass stamps the record with its own reading");
  }

  @Test
  void shouldSnapshotInOffsetOrderAndStartOver() {
    PendingBuffer<String> buffer = new PendingBuffer<>(store, 2, Duration.ofMillis(1), nanos::get);
    buffer.add(100, "late");
    buffer.add(9, "early");
    List<KeyValue<String, String>> batch = buffer.snapshot();
    assertEquals(List.of("early", "late"), batch.stream().map(kv -> kv.value).toList());
    assertFalse(buffer.isDue(), "a snapshot starts a new batch");
    assertFalse(buffer.add(101, "next"), "the count starts over too");
    buffer.remove(batch);
    assertEquals(1, buffer.snapshot().size(), "only the record added after the snapshot is left");
  }

  @Test
  void shouldKeepOneEntryPerOffsetWhenARecordIsReplayed() {
    PendingBuffer<String> buffer = new PendingBuffer<>(store, 10, Duration.ofMillis(1), nanos::get);
    buffer.add(5, "first try");
    buffer.add(5, "replayed");
    assertEquals(List.of("replayed"), buffer.snapshot().stream().map(kv -> kv.value).toList());
  }

  @Test
  void shouldFlushRestoredEntriesAtTheFirstCheck() {
    store.put(String.format("%019d", 7), "restored from the changelog");
    PendingBuffer<String> buffer = new PendingBuffer<>(store, 10, Duration.ofHours(1), nanos::get);
    assertTrue(buffer.isDue());
  }
}
