package dev.bgevl.streams.deadletter;

import dev.bgevl.streams.failure.DeadLetterReason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

/**
 * Builds dead-letter records: the source's raw key and value, untouched, with Kafka Streams' {@code
 * __streams.errors.*} headers plus our reason and stage in the same style.
 */
public final class DeadLetterHeaders {

  /** Our reason code, a {@link DeadLetterReason} name. */
  public static final String REASON = "__streams.errors.reason";

  /** The processor node that refused the record. */
  public static final String STAGE = "__streams.errors.stage";

  public static final String EXCEPTION = ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME;
  public static final String MESSAGE = ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME;
  public static final String STACKTRACE = ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME;
  public static final String TOPIC = ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME;
  public static final String PARTITION = ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME;
  public static final String OFFSET = ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME;

  /** Size in bytes (key + value + headers) of a record left out of its dead letter. */
  public static final String RECORD_SIZE = "__streams.errors.record.size";

  /** Hex SHA-256 of the value of a record left out of its dead letter, to find it again. */
  public static final String RECORD_SHA256 = "__streams.errors.record.sha256";

  /**
   * Longest exception message a dead letter carries, in characters: the headers must stay small.
   */
  static final int MAX_MESSAGE_CHARS = 4_096;

  /** Longest stack trace a dead letter carries, in characters. */
  static final int MAX_STACKTRACE_CHARS = 32_768;

  /**
   * Keys up to this size are kept in a reference-only dead letter; larger ones are part of why it
   * is too large.
   */
  static final int MAX_REFERENCE_KEY_BYTES = 4_096;

  private DeadLetterHeaders() {}

  /**
   * A dead letter for the record {@code context} describes. The stack trace is attached only for
   * {@link DeadLetterReason#INTERNAL}: for bad input it says nothing the message does not.
   */
  public static ProducerRecord<byte[], byte[]> deadLetter(
      String deadLetterTopic,
      ErrorHandlerContext context,
      DeadLetterReason reason,
      Exception exception) {
    SourceRecord source =
        new SourceRecord(
            context.topic(),
            context.partition(),
            context.offset(),
            context.timestamp(),
            context.sourceRawKey(),
            context.sourceRawValue(),
            context.headers());
    String stage = context.processorNodeId() == null ? "source" : context.processorNodeId();
    return new ProducerRecord<>(
        deadLetterTopic,
        null,
        source.timestamp(),
        source.key(),
        source.value(),
        headers(source, stage, reason, exception));
  }

  /** The headers of a dead letter for {@code source}: its own headers plus ours. */
  public static Headers headers(
      SourceRecord source, String stage, DeadLetterReason reason, Exception exception) {
    Headers headers =
        new RecordHeaders(source.headers() == null ? new RecordHeaders() : source.headers());
    put(headers, REASON, reason.name());
    put(headers, STAGE, stage);
    put(headers, EXCEPTION, exception.getClass().getName());
    put(headers, MESSAGE, truncate(String.valueOf(exception.getMessage()), MAX_MESSAGE_CHARS));
    put(headers, TOPIC, source.topic());
    put(headers, PARTITION, Integer.toString(source.partition()));
    put(headers, OFFSET, Long.toString(source.offset()));
    if (reason == DeadLetterReason.INTERNAL) {
      StringWriter trace = new StringWriter();
      exception.printStackTrace(new PrintWriter(trace));
      put(headers, STACKTRACE, truncate(trace.toString(), MAX_STACKTRACE_CHARS));
    }
    return headers;
  }

  /**
   * A dead letter that names a record too large to copy: no value, the key only when small, none of
   * its headers; the coordinates, its size and the SHA-256 of its value say which record it was.
   */
  public static ProducerRecord<byte[], byte[]> reference(
      String deadLetterTopic,
      SourceRecord source,
      long size,
      String stage,
      DeadLetterReason reason,
      String message) {
    Headers headers = new RecordHeaders();
    put(headers, REASON, reason.name());
    put(headers, STAGE, stage);
    put(headers, EXCEPTION, RecordTooLargeException.class.getName());
    put(headers, MESSAGE, truncate(message, MAX_MESSAGE_CHARS));
    put(headers, TOPIC, source.topic());
    put(headers, PARTITION, Integer.toString(source.partition()));
    put(headers, OFFSET, Long.toString(source.offset()));
    put(headers, RECORD_SIZE, Long.toString(size));
    put(headers, RECORD_SHA256, sha256(source.value()));
    byte[] key =
        source.key() != null && source.key().length <= MAX_REFERENCE_KEY_BYTES
            ? source.key()
            : null;
    return new ProducerRecord<>(deadLetterTopic, null, source.timestamp(), key, null, headers);
  }

  /** Hex SHA-256 of {@code bytes}; of nothing for {@code null}. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(bytes == null ? new byte[0] : bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String truncate(String text, int maxChars) {
    return text.length() <= maxChars
        ? text
        : text.substring(0, maxChars) + "... (" + text.length() + " chars)";
  }

  /** The value of header {@code name} as text, or {@code null}. */
  public static String read(Headers headers, String name) {
    var h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }
}
