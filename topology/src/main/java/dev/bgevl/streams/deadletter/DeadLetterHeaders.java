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
    SourceRecord source = new SourceRecord(context.topic(), context.partition(), context.offset(), context.timestamp(),
        context.sourceRawKey(), context.sourceRawValue(), context.headers());
    String stage = context.processorNodeId() == null ? "source" : context.processorNodeId();
    return new ProducerRecord<>(deadLetterTopic, null, source.timestamp(), source.key(), source.value(),
        headers(source, stage, reason, exception));
  }

  /** The headers of a dead letter for {@code source}: its own headers plus ours. */
  public static Headers headers(SourceRecord source, String stage, DeadLetterReason reason, Exception exception) {
    Headers headers = new RecordHeaders(source.headers() == null ? new RecordHeaders() : source.headers());
    put(headers, REASON, reason.name());
    put(headers, STAGE, stage);
    put(headers, EXCEPTION, exception.getClass().getName());
    put(headers, MESSAGE, String.valueOf(exception.getMessage()));
    put(headers, TOPIC, source.topic());
    put(headers, PARTITION, Integer.toString(source.partition()));
    put(headers, OFFSET, Long.toString(source.offset()));
    if (reason == DeadLetterReason.INTERNAL) {
      StringWriter trace = new StringWriter();
      exception.printStackTrace(new PrintWriter(trace));
      put(headers, STACKTRACE, trace.toString());
    }
    return headers;
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
