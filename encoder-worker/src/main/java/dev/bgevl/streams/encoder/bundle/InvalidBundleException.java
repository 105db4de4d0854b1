package dev.bgevl.streams.encoder.bundle;

/** A model bundle folder that cannot be used; the message names the folder and what is wrong. */
public class InvalidBundleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidBundleException(String message) {
    super(message);
  }

  public InvalidBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
