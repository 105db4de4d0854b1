package dev.bgevl.streams.query;

import dev.bgevl.streams.deadletter.RejectedInputException;
import dev.bgevl.streams.encoder.DeadlineExceededException;
import dev.bgevl.streams.encoder.EncoderOverloadedException;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.milvus.InvalidFilterException;
import dev.bgevl.streams.milvus.MilvusUnavailableException;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;

/** The one place that turns a failure into a reply status, so every request gets exactly one reply. */
final class ReplyStatusMapper {

  private ReplyStatusMapper() {}

  static ReplyStatus statusOf(Throwable failure) {
    if (failure instanceof RetrievalFailure f) {
      return f.status();
    }
    if (failure instanceof RejectedInputException || failure instanceof InvalidInputException
        || failure instanceof InvalidFilterException) {
      return ReplyStatus.INVALID_REQUEST;
    }
    if (failure instanceof DeadlineExceededException) {
      return ReplyStatus.DEADLINE_EXCEEDED;
    }
    if (failure instanceof MilvusUnavailableException || failure instanceof EncoderOverloadedException) {
      return ReplyStatus.UNAVAILABLE;
    }
    return ReplyStatus.INTERNAL;
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
