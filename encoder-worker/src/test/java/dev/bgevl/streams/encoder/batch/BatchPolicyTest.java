package dev.bgevl.streams.encoder.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Defaults and validation of {@link BatchPolicy}. */
class BatchPolicyTest {

  private static void assertRejectedNaming(String key, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().startsWith(key), e.getMessage());
  }

  @Test
  void shouldDefaultToTheDocumentedValues() {
    assertEquals(32, BatchPolicy.DEFAULT.maxBatchSize());
    assertEquals(Duration.ofMillis(10), BatchPolicy.DEFAULT.maxDelay());
    assertEquals(1024, BatchPolicy.DEFAULT.queueCapacity());
    assertEquals(Duration.ofSeconds(30), BatchPolicy.DEFAULT.submitTimeout());
  }

  @Test
  void shouldNameTheConfigKeyOfABadValue() {
    assertRejectedNaming("encoder.batch.max-size", () -> BatchPolicy.DEFAULT.withMaxBatchSize(0));
    assertRejectedNaming(
        "encoder.batch.max-delay-ms",
        () -> BatchPolicy.DEFAULT.withMaxDelay(Duration.ofMillis(-1)));
    assertRejectedNaming(
        "encoder.batch.max-delay-ms", () -> BatchPolicy.DEFAULT.withMaxDelay(null));
    assertRejectedNaming(
        "encoder.batch.queue-capacity", () -> BatchPolicy.DEFAULT.withQueueCapacity(31));
    assertRejectedNaming(
        "encoder.batch.submit-timeout-ms",
        () -> BatchPolicy.DEFAULT.withSubmitTimeout(Duration.ofSeconds(-1)));
  }

  @Test
  void shouldAllowZeroDelayAndZeroSubmitTimeout() {
    BatchPolicy eager =
        BatchPolicy.DEFAULT.withMaxDelay(Duration.ZERO).withSubmitTimeout(Duration.ZERO);
    assertEquals(Duration.ZERO, eager.maxDelay());
    assertEquals(Duration.ZERO, eager.submitTimeout());
  }
}
