package dev.bgevl.streams.deadletter;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.Failure;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a processing failure into what {@link Failure#classify} says it is: transient failures stop
 * the task (Streams replaces the thread and retries from the last commit, so nothing is lost); bad
 * input and anything unexpected become dead letters and the stream goes on.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = DeadLetterConfig.topic(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    Failure failure = Failure.classify(exception);
    if (failure instanceof Failure.Transient) {
      log.warn(
          "Transient failure, task will restart and retry topic={} partition={} offset={} error={}",
          context.topic(),
          context.partition(),
          context.offset(),
          exception.toString());
      return Response.fail();
    }
    DeadLetterReason reason =
        failure instanceof Failure.Rejected rejected
            ? rejected.reason()
            : DeadLetterReason.INTERNAL;
    if (reason == DeadLetterReason.INTERNAL) {
      log.error(
          "Dead-lettered record after unexpected failure topic={} partition={} offset={} node={}",
          context.topic(),
          context.partition(),
          context.offset(),
          context.processorNodeId(),
          exception);
    } else {
      log.warn(
          "Dead-lettered record topic={} partition={} offset={} node={} reason={} error={}",
          context.topic(),
          context.partition(),
          context.offset(),
          context.processorNodeId(),
          reason,
          exception.getMessage());
    }
    return Response.resume(
        List.of(DeadLetterHeaders.deadLetter(topic, context, reason, exception)));
  }
}
