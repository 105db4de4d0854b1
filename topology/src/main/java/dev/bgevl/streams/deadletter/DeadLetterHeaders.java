package dev.bgevl.streams.deadletter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

/**
 * Builds dead-letter records: the source's raw key and value, untouched, with Kafka Streams'
 * {@code __streams.errors.*} headers plus our reason and stage in the same style.
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

  private DeadLetterHeaders() {}

  /**
   * A dead letter for the record {@code context} describes. The stack trace is attached only for
   * {@link DeadLetterReason#INTERNAL}: for bad input it says nothing the message does not.
   */
  public static ProducerRecord<byte[], byte[]> deadLetter(
      String deadLetterTopic, ErrorHandlerContext context, DeadLetterReason reason, Exception exception) {
    Headers headers = new RecordHeaders(context.headers() == null ? new RecordHeaders() : context.headers());
    put(headers, REASON, reason.name());
    put(headers, STAGE, context.processorNodeId() == null ? "source" : context.processorNodeId());
    put(headers, EXCEPTION, exception.getClass().getName());
    put(headers, MESSAGE, String.valueOf(exception.getMessage()));
    put(headers, TOPIC, context.topic());
    put(headers, PARTITION, Integer.toString(context.partition()));
    put(headers, OFFSET, Long.toString(context.offset()));
    if (reason == DeadLetterReason.INTERNAL) {
      StringWriter trace = new StringWriter();
      exception.printStackTrace(new PrintWriter(trace));
      put(headers, STACKTRACE, trace.toString());
    }
    return new ProducerRecord<>(deadLetterTopic, null, context.timestamp(), context.sourceRawKey(),
        context.sourceRawValue(), headers);
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
