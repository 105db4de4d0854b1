package dev.bgevl.streams.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ImageFetchPoolTest {

  @Test
  void shouldRefuseAtOnceWhenThreadsAndQueueAreFull() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ImageFetchPool pool = new ImageFetchPool(1, 1)) {
      Future<String> running =
          pool.submit(
              () -> {
                started.countDown();
                release.await();
                return "first";
              });
      started.await(5, TimeUnit.SECONDS);
      Future<String> queued = pool.submit(() -> "second");

      long begin = System.nanoTime();
      RejectedInputException e =
          assertThrows(RejectedInputException.class, () -> pool.submit(() -> "third"));
      long tookMs = (System.nanoTime() - begin) / 1_000_000;

      assertEquals(DeadLetterReason.URI_FETCH_FAILED, e.reason());
      assertTrue(e.getMessage().contains("fetch pool saturated"), e.getMessage());
      assertTrue(tookMs < 100, "refusal took " + tookMs + " ms");
      release.countDown();
      assertEquals("first", running.get(5, TimeUnit.SECONDS));
      assertEquals("second", queued.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void shouldInterruptRunningFetchesOnClose() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ImageFetchPool pool = new ImageFetchPool(1, 1);
    pool.submit(
        () -> {
          started.countDown();
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return null;
        });
    started.await(5, TimeUnit.SECONDS);

    pool.close();

    assertTrue(interrupted.await(5, TimeUnit.SECONDS));
    assertThrows(IllegalStateException.class, () -> pool.submit(() -> null));
  }
}
