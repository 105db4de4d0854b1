package dev.bgevl.streams.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.bgevl.streams.encoder.DeadlineExceededException;
import dev.bgevl.streams.encoder.EncoderOverloadedException;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.RejectReason;
import dev.bgevl.streams.milvus.InvalidFilterException;
import dev.bgevl.streams.milvus.MetadataFilter;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The one classification both applications read: each kind of exception lands where README's
 * bad-input table says.
 */
class FailureTest {

  @Test
  void shouldCallOutagesTransientEvenWhenWrapped() {
    assertInstanceOf(
        Failure.Transient.class, Failure.classify(new TimeoutException("broker slow")));
    assertInstanceOf(
        Failure.Transient.class, Failure.classify(new EncoderOverloadedException("queue full")));
    assertInstanceOf(
        Failure.Transient.class,
        Failure.classify(new StreamsException("task failed", new TimeoutException("broker slow"))));
  }

  @Test
  void shouldRejectBadInputWithItsReason() {
    Failure image =
        Failure.classify(new InvalidInputException(RejectReason.IMAGE_TOO_LARGE, "too big"));
    assertEquals(new Failure.Rejected(DeadLetterReason.IMAGE_TOO_LARGE, "too big"), image);
    Failure field =
        Failure.classify(new RejectedInputException(DeadLetterReason.INVALID_FIELD, "id too long"));
    assertEquals(DeadLetterReason.INVALID_FIELD, ((Failure.Rejected) field).reason());
    InvalidFilterException filter =
        Assertions.assertThrows(
            InvalidFilterException.class, () -> MetadataFilter.parse("colour = "));
    assertEquals(
        DeadLetterReason.INVALID_FILTER, ((Failure.Rejected) Failure.classify(filter)).reason());
  }

  @Test
  void shouldMapEveryEncoderRefusalToADeadLetterReason() {
    for (RejectReason reason : RejectReason.values()) {
      assertInstanceOf(
          DeadLetterReason.class, Failure.reasonOf(new InvalidInputException(reason, "x")));
    }
  }

  @Test
  void shouldTellExpiredDeadlinesAndBugsApart() {
    assertInstanceOf(
        Failure.Expired.class,
        Failure.classify(new DeadlineExceededException("late", java.time.Duration.ofMillis(5))));
    Failure bug = Failure.classify(new NullPointerException("oops"));
    assertInstanceOf(Failure.Bug.class, bug);
    assertEquals("oops", bug.message());
  }
}
