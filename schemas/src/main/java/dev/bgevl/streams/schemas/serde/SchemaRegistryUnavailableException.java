package dev.bgevl.streams.schemas.serde;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry could not be reached or failed on its side (connection refused, timeout,
 * 5xx): transient, retry later.
 */
public class SchemaRegistryUnavailableException extends RetriableException {

  private static final long serialVersionUID = 1L;

  /** A transient failure with the I/O error behind it, if any. */
  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A transient failure reported by the registry itself. */
  public SchemaRegistryUnavailableException(String message) {
    super(message);
  }
}
