package dev.bgevl.streams.milvus;

import org.apache.kafka.common.errors.RetriableException;

/**
 * Milvus could not be reached (refused, unavailable, timed out) even after the configured retries;
 * transient, never a dead letter.
 */
public final class MilvusUnavailableException extends RetriableException {

  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int attempts;

  MilvusUnavailableException(String operation, int attempts, Throwable cause) {
    super(
        "Milvus unavailable op="
            + operation
            + " attempts="
            + attempts
            + ": "
            + MilvusCallExecutor.reason(cause),
        cause);
    this.operation = operation;
    this.attempts = attempts;
  }

  /** The call that failed, e.g. {@code upsert}. */
  public String operation() {
    return operation;
  }

  /** How many attempts were made before giving up. */
  public int attempts() {
    return attempts;
  }
}
