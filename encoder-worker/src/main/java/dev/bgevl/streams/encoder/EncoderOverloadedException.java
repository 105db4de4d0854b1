package dev.bgevl.streams.encoder;

/**
 * The encoder cannot take an input now: its queue is full or it is closing. Transient; a query
 * answers {@code UNAVAILABLE}, an ingest task backs off.
 */
public class EncoderOverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EncoderOverloadedException(String message) {
    super(message);
  }

  public EncoderOverloadedException(String message, Throwable cause) {
    super(message, cause);
  }
}
