package dev.bgevl.streams.encoder;

import java.util.Objects;

/** An input the encoder refuses for a reason of its own (not a runtime failure). */
public class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  public InvalidInputException(RejectReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public RejectReason reason() {
    return reason;
  }
}
