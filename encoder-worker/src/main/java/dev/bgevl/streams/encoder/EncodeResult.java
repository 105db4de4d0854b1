package dev.bgevl.streams.encoder;

import java.util.Arrays;
import java.util.Objects;

/** The answer for one input of a batch: an embedding, or the reason it was refused. */
public sealed interface EncodeResult permits EncodeResult.Encoded, EncodeResult.Rejected {

  /** A unit-length embedding. */
  record Encoded(float[] vector) implements EncodeResult {
    public Encoded {
      Objects.requireNonNull(vector, "vector");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Encoded other && Arrays.equals(vector, other.vector);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
      return "Encoded[dim=" + vector.length + "]";
    }
  }

  /** The input could not be embedded; the reason says why in words a user can act on. */
  record Rejected(RejectReason reason, String message) implements EncodeResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    /** The same rejection as an exception, for callers that handle one input at a time. */
    public InvalidInputException toException() {
      return new InvalidInputException(reason, message);
    }
  }
}
