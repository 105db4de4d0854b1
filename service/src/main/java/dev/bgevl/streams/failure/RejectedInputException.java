package dev.bgevl.streams.failure;

import java.util.Objects;

/**
 * Input that can never be processed, whatever the retries: it becomes a dead letter (or an
 * INVALID_REQUEST reply).
 */
public class RejectedInputException extends RuntimeException implements RejectedInput {
  private static final long serialVersionUID = 1L;

  private final DeadLetterReason reason;

  public RejectedInputException(DeadLetterReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  @Override
  public DeadLetterReason reason() {
    return reason;
  }
}
