package dev.bgevl.streams.failure;

/**
 * Why an event went to the dead-letter topic. A permanent code written into the {@code
 * __streams.errors.reason} header: new reasons are appended, none renamed.
 */
public enum DeadLetterReason {
  /**
   * The bytes are neither Confluent-framed Avro nor JSON of the schema, or the schema id is
   * unknown.
   */
  UNDECODABLE_RECORD,
  /** The event has no media id (neither key nor {@code id}). */
  MISSING_ID,
  /** The record key and the event's {@code id} name different media. */
  ID_MISMATCH,
  /** An upsert with neither image nor text. */
  NO_CONTENT,
  /** The image bytes do not decode. */
  IMAGE_UNDECODABLE,
  /** The image is above the byte or pixel limit. */
  IMAGE_TOO_LARGE,
  /** The image URI's scheme, host or path is not allowed. */
  URI_REFUSED,
  /** The image URI could not be read (missing file, timeout). */
  URI_FETCH_FAILED,
  /** The embed mode asks for something the event does not carry or the model cannot do. */
  UNSUPPORTED_EMBED_MODE,
  /** Anything unexpected; the dead letter carries the stack trace. */
  INTERNAL,
  /** A field breaks a store limit (an id over 512 bytes, an image URI over 2048). */
  INVALID_FIELD,
  /**
   * The record is larger than {@code --kafka.max-record-bytes}: the dead letter names it (topic,
   * partition, offset, size, SHA-256 of the value) but does not carry it.
   */
  RECORD_TOO_LARGE,
  /**
   * A request's filter does not parse or names a field that is not allowed (query only: answered
   * INVALID_REQUEST).
   */
  INVALID_FILTER,
  /**
   * The vector store refused the row itself (not an outage), e.g. an id the embedded Milvus Lite
   * cannot hold; the rest of its batch is written.
   */
  STORE_REFUSED
}
