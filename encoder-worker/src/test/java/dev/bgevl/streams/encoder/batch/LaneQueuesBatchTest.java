package dev.bgevl.streams.encoder.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bgevl.streams.encoder.EncodeInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The batch-picking rule of {@link LaneQueues}, with times passed in so no clock is involved. */
class LaneQueuesBatchTest {

  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private static final long RESERVE_NANOS = 10_000_000;

  private final LaneQueues queues = new LaneQueues();

  private void add(String text, Lane lane, long enqueuedNanos, Instant deadline) {
    queues.add(
        new PendingItem(
            EncodeInput.text(text), lane, deadline, enqueuedNanos, new CompletableFuture<>()));
  }

  private static List<String> texts(List<PendingItem> items) {
    return items.stream().map(i -> i.input().text()).toList();
  }

  @Test
  void shouldTakeQueryBeforeIngestWhileIngestIsFresh() {
    add("i0", Lane.INGEST, 0, null);
    add("q0", Lane.QUERY, 1, null);
    add("q1", Lane.QUERY, 2, null);

    List<PendingItem> batch =
        queues.takeBatch(2, RESERVE_NANOS - 1, RESERVE_NANOS, NOW, new ArrayList<>());

    assertEquals(List.of("q0", "q1"), texts(batch));
    assertEquals(1, queues.size());
  }

  @Test
  void shouldReserveOneSlotForIngestThatWaitedTheBound() {
    add("i0", Lane.INGEST, 0, null);
    add("i1", Lane.INGEST, 0, null);
    for (int q = 0; q < 4; q++) {
      add("q" + q, Lane.QUERY, 5, null);
    }

    List<PendingItem> batch =
        queues.takeBatch(4, RESERVE_NANOS, RESERVE_NANOS, NOW, new ArrayList<>());

    assertEquals(List.of("q0", "q1", "q2", "i0"), texts(batch));
  }

  @Test
  void shouldNotReserveWhenABatchHoldsOneItem() {
    add("i0", Lane.INGEST, 0, null);
    add("q0", Lane.QUERY, 0, null);

    List<PendingItem> batch =
        queues.takeBatch(1, RESERVE_NANOS * 5, RESERVE_NANOS, NOW, new ArrayList<>());

    assertEquals(List.of("q0"), texts(batch));
  }

  @Test
  void shouldSetExpiredItemsAsideAndFillTheirSlots() {
    add("q-late", Lane.QUERY, 0, NOW.minusMillis(1));
    add("q0", Lane.QUERY, 0, NOW.plusMillis(1));
    add("i-late", Lane.INGEST, 0, NOW.minusMillis(1));
    add("q1", Lane.QUERY, 0, null);
    add("q2", Lane.QUERY, 0, null);
    List<PendingItem> expired = new ArrayList<>();

    // the reserved ingest slot finds only an expired item, so it goes back to QUERY
    List<PendingItem> batch = queues.takeBatch(3, RESERVE_NANOS, RESERVE_NANOS, NOW, expired);

    assertEquals(List.of("q0", "q1", "q2"), texts(batch));
    assertEquals(List.of("q-late", "i-late"), texts(expired));
  }
}
