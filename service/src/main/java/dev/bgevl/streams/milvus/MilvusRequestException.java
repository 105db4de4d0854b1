package dev.bgevl.streams.milvus;

/**
 * Milvus answered and refused the request (bad request, unknown collection, dimension mismatch
 * ...); permanent, retrying will not help.
 */
public final class MilvusRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int code;

  MilvusRequestException(String operation, int code, String message, Throwable cause) {
    super("Milvus rejected op=" + operation + " code=" + code + ": " + message, cause);
    this.operation = operation;
    this.code = code;
  }

  /** The call that failed, e.g. {@code search}. */
  public String operation() {
    return operation;
  }

  /**
   * Milvus's error code (the server's code when it sent one, else the SDK's), or -1 when neither
   * gave one.
   */
  public int code() {
    return code;
  }
}
