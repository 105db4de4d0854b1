package dev.bgevl.streams.milvus;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInput;

/**
 * A retrieval filter that does not parse or breaks a limit; the message names the position and what
 * was expected.
 */
public final class InvalidFilterException extends IllegalArgumentException
    implements RejectedInput {

  private static final long serialVersionUID = 1L;

  private final int position;

  InvalidFilterException(String problem, int position) {
    super("filter: " + problem + (position >= 0 ? " at position " + position : ""));
    this.position = position;
  }

  /**
   * Zero-based character offset in the filter text where the problem was found, or -1 when it
   * concerns the whole filter.
   */
  public int position() {
    return position;
  }

  @Override
  public DeadLetterReason reason() {
    return DeadLetterReason.INVALID_FILTER;
  }
}
