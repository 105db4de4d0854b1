package dev.bgevl.streams.media;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of fetch threads behind a bounded queue: stream threads hand slow fetches over and
 * wait with a deadline, and a full queue refuses at once instead of growing without bound.
 */
final class ImageFetchPool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ImageFetchPool.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ThreadPoolExecutor executor;
  private final int threads;

  ImageFetchPool(int threads, int queueCapacity) {
    this.threads = threads;
    int pool = POOLS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "image-fetch-" + pool + "-" + count.incrementAndGet());
          // a stuck fetch must never keep the JVM alive
          t.setDaemon(true);
          return t;
        };
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            factory,
            new ThreadPoolExecutor.AbortPolicy());
    log.info("Started image fetch pool threads={} queue={}", threads, queueCapacity);
  }

  int threads() {
    return threads;
  }

  /** Queues {@code task}; a full queue is a URI_FETCH_FAILED "fetch pool saturated". */
  <T> Future<T> submit(Callable<T> task) {
    if (executor.isShutdown()) {
      throw new IllegalStateException("image fetch pool is closed");
    }
    try {
      return executor.submit(task);
    } catch (RejectedExecutionException e) {
      if (executor.isShutdown()) {
        throw new IllegalStateException("image fetch pool is closed", e);
      }
      throw new RejectedInputException(
          DeadLetterReason.URI_FETCH_FAILED,
          "image fetch pool saturated: "
              + threads
              + " threads busy and "
              + executor.getQueue().size()
              + " queued");
    }
  }

  /** Interrupts running fetches and drops queued ones; idempotent. */
  @Override
  public void close() {
    if (executor.isShutdown()) {
      return;
    }
    executor.shutdownNow();
    try {
      boolean clean = executor.awaitTermination(1, TimeUnit.SECONDS);
      log.info("Closed image fetch pool clean={}", clean);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
