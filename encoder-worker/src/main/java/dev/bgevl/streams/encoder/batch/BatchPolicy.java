package dev.bgevl.streams.encoder.batch;

import java.time.Duration;

/**
 * How the {@link MicroBatcher} forms batches: at most {@code maxBatchSize} items, sent once full or
 * once the oldest waiting item has waited {@code maxDelay}; at most {@code queueCapacity} items
 * waiting; an ingest submit blocks up to {@code submitTimeout} for room; {@code prepareThreads}
 * decode and preprocess for a staged encoder (0 = one per core).
 */
public record BatchPolicy(
    int maxBatchSize,
    Duration maxDelay,
    int queueCapacity,
    Duration submitTimeout,
    int prepareThreads) {

  public static final String MAX_SIZE_CONFIG = "encoder.batch.max-size";
  public static final String MAX_DELAY_MS_CONFIG = "encoder.batch.max-delay-ms";
  public static final String QUEUE_CAPACITY_CONFIG = "encoder.batch.queue-capacity";
  public static final String SUBMIT_TIMEOUT_MS_CONFIG = "encoder.batch.submit-timeout-ms";
  public static final String PREPARE_THREADS_CONFIG = "encoder.prepare-threads";

  /** 32 items, 10 ms, 1024 waiting, 30 s, one preparation thread per core. */
  public static final BatchPolicy DEFAULT =
      new BatchPolicy(32, Duration.ofMillis(10), 1024, Duration.ofSeconds(30), 0);

  /** A policy with one preparation thread per core. */
  public BatchPolicy(
      int maxBatchSize, Duration maxDelay, int queueCapacity, Duration submitTimeout) {
    this(maxBatchSize, maxDelay, queueCapacity, submitTimeout, 0);
  }

  public BatchPolicy {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException(
          MAX_SIZE_CONFIG + " must be at least 1, was " + maxBatchSize);
    }
    requireNotNegative(maxDelay, MAX_DELAY_MS_CONFIG);
    if (queueCapacity < maxBatchSize) {
      // a queue smaller than one batch could never fill a batch, so the size rule would never fire
      throw new IllegalArgumentException(
          QUEUE_CAPACITY_CONFIG
              + " must be at least "
              + MAX_SIZE_CONFIG
              + " ("
              + maxBatchSize
              + "), was "
              + queueCapacity);
    }
    requireNotNegative(submitTimeout, SUBMIT_TIMEOUT_MS_CONFIG);
    if (prepareThreads < 0) {
      throw new IllegalArgumentException(
          PREPARE_THREADS_CONFIG + " must be >= 0 (0 = one per core), was " + prepareThreads);
    }
  }

  /** The preparation threads to start: {@code prepareThreads}, or one per core when 0. */
  public int effectivePrepareThreads() {
    return prepareThreads > 0 ? prepareThreads : Runtime.getRuntime().availableProcessors();
  }

  private static void requireNotNegative(Duration value, String key) {
    if (value == null) {
      throw new IllegalArgumentException(key + " must be set");
    }
    if (value.isNegative()) {
      throw new IllegalArgumentException(key + " must not be negative, was " + value.toMillis());
    }
  }

  public BatchPolicy withMaxBatchSize(int value) {
    return new BatchPolicy(value, maxDelay, queueCapacity, submitTimeout, prepareThreads);
  }

  public BatchPolicy withMaxDelay(Duration value) {
    return new BatchPolicy(maxBatchSize, value, queueCapacity, submitTimeout, prepareThreads);
  }

  public BatchPolicy withQueueCapacity(int value) {
    return new BatchPolicy(maxBatchSize, maxDelay, value, submitTimeout, prepareThreads);
  }

  public BatchPolicy withSubmitTimeout(Duration value) {
    return new BatchPolicy(maxBatchSize, maxDelay, queueCapacity, value, prepareThreads);
  }

  public BatchPolicy withPrepareThreads(int value) {
    return new BatchPolicy(maxBatchSize, maxDelay, queueCapacity, submitTimeout, value);
  }
}
