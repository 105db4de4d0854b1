package dev.bgevl.streams.query;

import dev.bgevl.streams.failure.Failure;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;

/**
 * Turns a failure into a reply status from {@link Failure#classify}, the same classification ingest
 * reads.
 */
final class ReplyStatusMapper {

  private ReplyStatusMapper() {}

  static ReplyStatus statusOf(Throwable failure) {
    if (failure instanceof RetrievalFailure f) {
      return f.status();
    }
    Failure classified = Failure.classify(failure);
    if (classified instanceof Failure.Rejected) {
      return ReplyStatus.INVALID_REQUEST;
    }
    if (classified instanceof Failure.Expired) {
      return ReplyStatus.DEADLINE_EXCEEDED;
    }
    return classified instanceof Failure.Transient ? ReplyStatus.UNAVAILABLE : ReplyStatus.INTERNAL;
  }

  /** What the client is told; internal failures name only their kind, never a stack. */
  static String messageOf(Throwable failure) {
    ReplyStatus status = statusOf(failure);
    if (status == ReplyStatus.INTERNAL) {
      return "internal error (" + failure.getClass().getSimpleName() + "); see the service log";
    }
    return failure.getMessage();
  }
}
