package dev.bgevl.streams.encoder.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class IdleCoreWorkersTest {

  @Test
  void shouldRunEveryIndexExactlyOnce() {
    for (int threads : new int[] {1, 2, 4}) {
      try (IdleCoreWorkers workers = new IdleCoreWorkers(threads)) {
        for (int count : new int[] {0, 1, 2, 3, 100}) {
          AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(count, 1));
          workers.forEach(count, runs::incrementAndGet);
          int[] expected = new int[Math.max(count, 1)];
          java.util.Arrays.fill(expected, 0, count, 1);
          int[] actual = new int[expected.length];
          for (int i = 0; i < actual.length; i++) {
            actual[i] = runs.get(i);
          }
          assertArrayEquals(expected, actual, threads + " threads, " + count + " items");
        }
      }
    }
  }

  @Test
  void shouldRethrowWhatATaskThrewAfterTheOthersRan() {
    try (IdleCoreWorkers workers = new IdleCoreWorkers(2)) {
      IllegalStateException thrown = new IllegalStateException("bad input");
      AtomicIntegerArray runs = new AtomicIntegerArray(8);
      IllegalStateException seen =
          assertThrows(
              IllegalStateException.class,
              () ->
                  workers.forEach(
                      8,
                      i -> {
                        runs.incrementAndGet(i);
                        if (i == 3) {
                          throw thrown;
                        }
                      }));
      assertSame(thrown, seen);
      for (int i = 0; i < 8; i++) {
        assertEquals(1, runs.get(i), "index " + i + " ran once, the failure notwithstanding");
      }
    }
  }

  @Test
  void shouldRethrowAnErrorThrownOnAHelperThread() throws Exception {
    try (IdleCoreWorkers workers = new IdleCoreWorkers(2)) {
      Thread caller = Thread.currentThread();
      CountDownLatch helperTookOne = new CountDownLatch(1);
      StackOverflowError thrown = new StackOverflowError("on the helper");
      AtomicBoolean helperRan = new AtomicBoolean();
      // the caller holds its index until the helper has taken the other, which throws there
      Error seen =
          assertThrows(
              Error.class,
              () ->
                  workers.forEach(
                      2,
                      i -> {
                        if (Thread.currentThread() == caller) {
                          try {
                            helperTookOne.await(30, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return;
                        }
                        helperRan.set(true);
                        helperTookOne.countDown();
                        throw thrown;
                      }));
      assertTrue(helperRan.get(), "the helper ran an index");
      assertSame(thrown, seen);
    }
  }

  @Test
  void shouldRefuseFewerThanOneThread() {
    assertThrows(IllegalArgumentException.class, () -> new IdleCoreWorkers(0));
  }
}
