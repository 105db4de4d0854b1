package dev.bgevl.streams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedCheckTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final CachedCheck check =
      new CachedCheck(
          "Milvus reachable",
          Duration.ofSeconds(5),
          () -> {
            calls.incrementAndGet();
            return up.get();
          },
          now::get);

  @Test
  void shouldCallSupplierAtMostOncePerInterval() {
    for (int i = 0; i < 100; i++) {
      assertTrue(check.getAsBoolean());
    }
    assertEquals(1, calls.get());
    now.addAndGet(5 * SECOND - 1);
    up.set(false);
    assertTrue(check.getAsBoolean(), "cached answer within the interval");
    assertEquals(1, calls.get());
    now.addAndGet(1);
    assertFalse(check.getAsBoolean());
    assertFalse(check.getAsBoolean());
    assertEquals(2, calls.get());
  }

  @Test
  void shouldCountAThrowingCheckAsFailed() {
    CachedCheck throwing =
        new CachedCheck(
            "x",
            Duration.ofSeconds(1),
            () -> {
              calls.incrementAndGet();
              throw new IllegalStateException("connection refused");
            },
            now::get);
    assertFalse(throwing.getAsBoolean());
    assertFalse(throwing.getAsBoolean());
    assertEquals(1, calls.get());
  }

  @Test
  void shouldCallSupplierOnceWhenEightThreadsProbeTogether() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CachedCheck slow =
        new CachedCheck(
            "slow",
            Duration.ofSeconds(5),
            () -> {
              calls.incrementAndGet();
              inside.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return true;
            },
            now::get);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Future<Boolean> first = pool.submit(slow::getAsBoolean);
      inside.await();
      List<Future<Boolean>> others = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        others.add(pool.submit(slow::getAsBoolean));
      }
      for (Future<Boolean> f : others) {
        assertFalse(f.get(), "no answer yet, and no waiting on the slow check either");
      }
      release.countDown();
      assertTrue(first.get());
      assertTrue(slow.getAsBoolean());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, calls.get());
  }
}
