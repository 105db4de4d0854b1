package dev.bgevl.streams.deadletter;

import java.util.List;
import java.util.Map;
import dev.bgevl.streams.encoder.EncoderOverloadedException;
import dev.bgevl.streams.milvus.MilvusUnavailableException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a processing failure becomes: transient failures stop the task (Streams replaces
 * the thread and retries from the last commit, so nothing is lost); bad input and anything
 * unexpected become dead letters and the stream goes on.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = DeadLetterConfig.topic(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (isTransient(exception)) {
      log.warn("Transient failure, task will restart and retry topic={} partition={} offset={} error={}",
          context.topic(), context.partition(), context.offset(), exception.toString());
      return Response.fail();
    }
    DeadLetterReason reason = exception instanceof RejectedInputException rejected
        ? rejected.reason() : DeadLetterReason.INTERNAL;
    if (reason == DeadLetterReason.INTERNAL) {
      log.error("Dead-lettered record after unexpected failure topic={} partition={} offset={} node={}",
          context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception);
    } else {
      log.warn("Dead-lettered record topic={} partition={} offset={} node={} reason={} error={}", context.topic(),
          context.partition(), context.offset(), context.processorNodeId(), reason, exception.getMessage());
    }
    return Response.resume(List.of(DeadLetterHeaders.deadLetter(topic, context, reason, exception)));
  }

  /** The one place that tells transient failures (retry, never dead-letter) from permanent ones. */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MilvusUnavailableException || t instanceof EncoderOverloadedException
          || t instanceof RetriableException) {
        return true;
      }
    }
    return false;
  }
}
