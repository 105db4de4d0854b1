package dev.bgevl.streams.failure;

import dev.bgevl.streams.encoder.DeadlineExceededException;
import dev.bgevl.streams.encoder.EncoderOverloadedException;
import dev.bgevl.streams.encoder.InvalidInputException;
import java.util.Objects;
import org.apache.kafka.common.errors.RetriableException;

/**
 * What a failure means for the record that met it; the one classification the dead-letter handler,
 * the ingest flush and the query reply mapper all read, so the two applications never disagree
 * about an exception.
 */
public sealed interface Failure {

  /** What the log, the dead letter or the reply says. */
  String message();

  /**
   * The world is not ready (Milvus unreachable, encoder queue full): retry; never a dead letter.
   */
  record Transient(String message) implements Failure {}

  /**
   * The input is wrong and always will be: a dead letter with this reason, or {@code
   * INVALID_REQUEST}.
   */
  record Rejected(DeadLetterReason reason, String message) implements Failure {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The request's deadline passed before it could be served. */
  record Expired(String message) implements Failure {}

  /** Anything unexpected: a bug until shown otherwise; the stack trace goes with it. */
  record Bug(Throwable cause) implements Failure {
    @Override
    public String message() {
      return String.valueOf(cause.getMessage());
    }
  }

  /**
   * Classifies {@code e} by what it, or any exception in its cause chain, is: transient first (a
   * rejected input wrapped by an outage is still worth a retry), then rejected input, then an
   * expired deadline.
   */
  static Failure classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // Kafka's marker for "retry may succeed"; our Milvus outage extends it, the encoder (which
      // knows no Kafka) has its own
      if (t instanceof RetriableException || t instanceof EncoderOverloadedException) {
        return new Transient(String.valueOf(t.getMessage()));
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RejectedInput rejected) {
        return new Rejected(rejected.reason(), String.valueOf(t.getMessage()));
      }
      if (t instanceof InvalidInputException invalid) {
        return new Rejected(reasonOf(invalid), String.valueOf(t.getMessage()));
      }
      if (t instanceof DeadlineExceededException) {
        return new Expired(String.valueOf(t.getMessage()));
      }
    }
    return new Bug(e);
  }

  /** The dead-letter reason of an input the encoder refused. */
  static DeadLetterReason reasonOf(InvalidInputException invalid) {
    return switch (invalid.reason()) {
      case IMAGE_UNDECODABLE -> DeadLetterReason.IMAGE_UNDECODABLE;
      case IMAGE_TOO_LARGE -> DeadLetterReason.IMAGE_TOO_LARGE;
      case UNSUPPORTED_INPUT -> DeadLetterReason.UNSUPPORTED_EMBED_MODE;
    };
  }
}
