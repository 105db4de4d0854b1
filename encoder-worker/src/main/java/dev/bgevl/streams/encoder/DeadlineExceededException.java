package dev.bgevl.streams.encoder;

import java.time.Duration;
import java.util.Objects;

/** An input's deadline passed before it could be encoded; it was never sent to the model. */
public class DeadlineExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Duration late;

  public DeadlineExceededException(String message, Duration late) {
    super(message);
    this.late = Objects.requireNonNull(late, "late");
  }

  /** How far past its deadline the input was when it was dropped. */
  public Duration late() {
    return late;
  }
}
