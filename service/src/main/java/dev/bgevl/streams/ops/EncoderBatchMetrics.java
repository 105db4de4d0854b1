package dev.bgevl.streams.ops;

import dev.bgevl.streams.encoder.batch.BatchListener;
import dev.bgevl.streams.encoder.batch.Lane;

/**
 * Feeds the {@code bgevl_encoder_*} metrics from the micro-batcher's events; quick and thread-safe,
 * as the batcher needs.
 */
final class EncoderBatchMetrics implements BatchListener {
  private final Histogram batchSize;
  private final Histogram queueWait;
  private final Histogram encode;
  private final EnumCounter<Lane> items;
  private final Counter failedBatches;
  private final EnumCounter<Lane> deadlineExceeded;
  private final EnumCounter<Lane> overloaded;

  EncoderBatchMetrics(
      Histogram batchSize,
      Histogram queueWait,
      Histogram encode,
      EnumCounter<Lane> items,
      Counter failedBatches,
      EnumCounter<Lane> deadlineExceeded,
      EnumCounter<Lane> overloaded) {
    this.batchSize = batchSize;
    this.queueWait = queueWait;
    this.encode = encode;
    this.items = items;
    this.failedBatches = failedBatches;
    this.deadlineExceeded = deadlineExceeded;
    this.overloaded = overloaded;
  }

  @Override
  public void onBatch(int size, int queryItems, long maxQueueWaitNanos, long encodeNanos) {
    batchSize.observe(size);
    queueWait.observe(maxQueueWaitNanos);
    encode.observe(encodeNanos);
    items.add(Lane.QUERY, queryItems);
    items.add(Lane.INGEST, Math.max(0, size - queryItems));
  }

  @Override
  public void onBatchFailed(int size, Throwable cause) {
    failedBatches.add(1);
  }

  @Override
  public void onDeadlineExceeded(Lane lane, long lateNanos) {
    deadlineExceeded.add(lane, 1);
  }

  @Override
  public void onOverloaded(Lane lane) {
    overloaded.add(lane, 1);
  }
}
