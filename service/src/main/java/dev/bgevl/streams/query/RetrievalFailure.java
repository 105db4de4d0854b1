package dev.bgevl.streams.query;

import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import java.util.Objects;

/** A request that ends in a non-OK reply; the status says which. */
final class RetrievalFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ReplyStatus status;

  RetrievalFailure(ReplyStatus status, String message) {
    super(message);
    this.status = Objects.requireNonNull(status, "status");
  }

  ReplyStatus status() {
    return status;
  }
}
