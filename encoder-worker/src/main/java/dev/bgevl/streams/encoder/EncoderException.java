package dev.bgevl.streams.encoder;

/** The encoder runtime failed (model load, native inference); no single input is to blame. */
public class EncoderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EncoderException(String message) {
    super(message);
  }

  public EncoderException(String message, Throwable cause) {
    super(message, cause);
  }
}
