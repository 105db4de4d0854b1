package dev.bgevl.streams.deadletter;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.Failure;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends records that do not deserialize to the dead-letter topic and keeps the stream going. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = DeadLetterConfig.topic(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (Failure.classify(exception) instanceof Failure.Transient) {
      // the schema registry being down says nothing about the record: stop and retry, never
      // dead-letter
      log.warn(
          "Transient failure while deserializing, task will restart and retry topic={} partition={} offset={} error={}",
          context.topic(),
          context.partition(),
          context.offset(),
          exception.toString());
      return Response.fail();
    }
    // expected bad input: one line, no stack trace; the dead letter carries the details
    log.warn(
        "Dead-lettered undecodable record topic={} partition={} offset={} reason={} error={}",
        context.topic(),
        context.partition(),
        context.offset(),
        DeadLetterReason.UNDECODABLE_RECORD,
        exception.getMessage());
    return Response.resume(
        List.of(
            DeadLetterHeaders.deadLetter(
                topic, context, DeadLetterReason.UNDECODABLE_RECORD, exception)));
  }
}
