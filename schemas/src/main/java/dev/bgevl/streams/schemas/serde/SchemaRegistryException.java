package dev.bgevl.streams.schemas.serde;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry answered but refused a request (bad credentials, invalid or incompatible
 * schema, ...).
 */
public class SchemaRegistryException extends KafkaException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final int errorCode;

  /** A refusal with the HTTP status and the registry's {@code error_code} (0 when it gave none). */
  public SchemaRegistryException(String message, int status, int errorCode) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  /** A refusal whose cause is known, such as an answer that could not be parsed. */
  public SchemaRegistryException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = 0;
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }

  /**
   * The registry's {@code error_code}, such as 409 (incompatible) or 42201 (invalid schema); 0 when
   * absent.
   */
  public int errorCode() {
    return errorCode;
  }
}
