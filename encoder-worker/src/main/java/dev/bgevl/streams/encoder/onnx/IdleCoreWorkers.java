package dev.bgevl.streams.encoder.onnx;

import dev.bgevl.streams.encoder.EncoderException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs the CPU-side work of one {@code encode} call on the calling thread plus {@code threads - 1}
 * helpers: the cores the inference will use next, which sit idle while inputs are decoded and
 * preprocessed. Work items are claimed one at a time from a shared counter, so the caller finishes
 * the call's work alone when the helpers are busy with another call.
 */
final class IdleCoreWorkers implements AutoCloseable {

  private final int threads;
  private final Executor helpers; // null with one thread
  // what close() shuts down: null when the helpers are borrowed
  private final ExecutorService owned;

  IdleCoreWorkers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, was " + threads);
    }
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    this.owned =
        threads == 1
            ? null
            : Executors.newFixedThreadPool(
                threads - 1,
                r -> {
                  Thread t = new Thread(r, "encoder-encode-helper-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
    this.helpers = owned;
  }

  private IdleCoreWorkers(Executor borrowed, int helperThreads) {
    this.threads = 1 + Math.max(0, helperThreads);
    this.helpers = helperThreads > 0 ? borrowed : null;
    this.owned = null;
  }

  /**
   * Workers made of the calling thread plus up to {@code helperThreads} threads of someone else's
   * {@code executor} (a batcher's idle preparation threads); {@link #close()} leaves it running.
   */
  static IdleCoreWorkers borrowing(Executor executor, int helperThreads) {
    return new IdleCoreWorkers(executor, helperThreads);
  }

  /** How many threads share a call's work, the caller included. */
  int threads() {
    return threads;
  }

  /**
   * Runs {@code task} for every index in {@code 0..count-1}, each exactly once, and returns when
   * all have run. The first exception or error a task threw, on whichever thread, is rethrown then;
   * the other indexes still run.
   */
  void forEach(int count, IntConsumer task) {
    if (count <= 0) {
      return;
    }
    AtomicInteger next = new AtomicInteger();
    CountDownLatch unfinished = new CountDownLatch(count);
    // Throwable, not RuntimeException: an Error thrown on a helper would otherwise end in its
    // pool's uncaught-exception handler, and the caller would return as if the index had run
    AtomicReference<Throwable> failure = new AtomicReference<>();
    // why a latch, not the helpers' futures: a helper may start after the caller took every index,
    // or not at all while another call keeps it busy, and the caller must not wait for its turn
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            try {
              task.accept(i);
            } catch (Throwable e) {
              failure.compareAndSet(null, e);
            } finally {
              unfinished.countDown();
            }
          }
        };
    int helping = helpers == null ? 0 : Math.min(threads - 1, count - 1);
    try {
      for (int h = 0; h < helping; h++) {
        helpers.execute(worker);
      }
    } catch (RejectedExecutionException closed) {
      // closed meanwhile: the caller does the rest alone
    }
    worker.run();
    try {
      unfinished.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EncoderException("interrupted while preparing inputs", e);
    }
    Throwable failed = failure.get();
    if (failed instanceof RuntimeException e) {
      throw e;
    }
    if (failed instanceof Error e) {
      throw e;
    }
    if (failed != null) {
      // a checked exception thrown sneakily: IntConsumer declares none
      throw new EncoderException("a task failed: " + failed, failed);
    }
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
    }
  }
}
