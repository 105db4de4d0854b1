package dev.bgevl.streams.encoder.batch;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The two lanes' FIFO queues and the rule that picks the next batch from them. Not thread-safe: the
 * {@link MicroBatcher} guards it with its lock.
 */
final class LaneQueues {

  private final Deque<PendingItem> query = new ArrayDeque<>();
  private final Deque<PendingItem> ingest = new ArrayDeque<>();

  void add(PendingItem item) {
    (item.lane() == Lane.QUERY ? query : ingest).addLast(item);
  }

  int size() {
    return query.size() + ingest.size();
  }

  int size(Lane lane) {
    return (lane == Lane.QUERY ? query : ingest).size();
  }

  boolean isEmpty() {
    return query.isEmpty() && ingest.isEmpty();
  }

  /**
   * When the oldest waiting item was enqueued (the batcher's nano clock); only call when not empty.
   */
  long oldestEnqueuedNanos() {
    if (query.isEmpty()) {
      return ingest.peekFirst().enqueuedNanos();
    }
    if (ingest.isEmpty()) {
      return query.peekFirst().enqueuedNanos();
    }
    // nanoTime values compare by difference, never directly, because they may wrap
    long q = query.peekFirst().enqueuedNanos();
    long i = ingest.peekFirst().enqueuedNanos();
    return q - i <= 0 ? q : i;
  }

  /**
   * Takes up to {@code maxSize} items: QUERY first, then INGEST. When the oldest INGEST item has
   * waited at least {@code ingestReserveNanos}, one slot is kept for INGEST so queries cannot
   * starve it. Items whose deadline passed before {@code now} go to {@code expired} instead and
   * take no slot.
   */
  List<PendingItem> takeBatch(
      int maxSize, long nowNanos, long ingestReserveNanos, Instant now, List<PendingItem> expired) {
    List<PendingItem> batch = new ArrayList<>(Math.min(maxSize, size()));
    boolean reserveIngest =
        maxSize > 1
            && !ingest.isEmpty()
            && nowNanos - ingest.peekFirst().enqueuedNanos() >= ingestReserveNanos;
    fill(batch, query, reserveIngest ? maxSize - 1 : maxSize, now, expired);
    fill(batch, ingest, maxSize, now, expired);
    // INGEST may have been all expired items: give its unused slot back to QUERY
    fill(batch, query, maxSize, now, expired);
    return batch;
  }

  private static void fill(
      List<PendingItem> batch,
      Deque<PendingItem> lane,
      int upTo,
      Instant now,
      List<PendingItem> expired) {
    while (batch.size() < upTo && !lane.isEmpty()) {
      PendingItem item = lane.pollFirst();
      (item.expiredAt(now) ? expired : batch).add(item);
    }
  }

  /** Removes and returns everything still waiting, QUERY first. */
  List<PendingItem> drainAll() {
    List<PendingItem> all = new ArrayList<>(query);
    all.addAll(ingest);
    query.clear();
    ingest.clear();
    return all;
  }
}
