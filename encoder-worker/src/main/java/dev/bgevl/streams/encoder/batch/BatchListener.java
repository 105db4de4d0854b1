package dev.bgevl.streams.encoder.batch;

/**
 * Receives what the {@link MicroBatcher} does, for metrics. Called on the batcher's thread (and,
 * for {@link #onOverloaded}, on the submitter's), so implementations are thread-safe and quick; an
 * exception thrown here is logged and ignored.
 */
public interface BatchListener {

  /** Records nothing. */
  BatchListener NONE = (size, queryItems, maxQueueWaitNanos, encodeNanos) -> {};

  /**
   * A batch went through the encoder and every item's future completed (a failed batch calls {@link
   * #onBatchFailed} instead).
   *
   * @param size items sent to the encoder
   * @param queryItems how many of them came from {@link Lane#QUERY}
   * @param maxQueueWaitNanos the longest any of them waited in the queue
   * @param encodeNanos time spent inside {@code Encoder.encode}; for a {@code StagedEncoder},
   *     waiting for the batch's last preparation to finish plus inference
   */
  void onBatch(int size, int queryItems, long maxQueueWaitNanos, long encodeNanos);

  /**
   * The encoder threw for a whole batch of {@code size} items; every one of their futures failed.
   */
  default void onBatchFailed(int size, Throwable cause) {}

  /** An item was dropped unencoded because its deadline had passed by {@code lateNanos}. */
  default void onDeadlineExceeded(Lane lane, long lateNanos) {}

  /** A submit was refused because the queue stayed full (or the batcher was closed). */
  default void onOverloaded(Lane lane) {}
}
