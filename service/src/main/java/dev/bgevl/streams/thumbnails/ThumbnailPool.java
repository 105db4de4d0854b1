package dev.bgevl.streams.thumbnails;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Makes a batch's thumbnails on their own threads, so they are made while the batch is in the
 * encoder rather than after it. A failure is one absent thumbnail, never a failed batch. Memory is
 * bounded by the caller: one batch is in flight per stream thread.
 */
public final class ThumbnailPool implements AutoCloseable {

  private final ThumbnailPolicy policy;
  private final ThumbnailMaker maker;
  private final ExecutorService executor;

  /**
   * @param threads threads that make thumbnails (the service gives half the cores: a thumbnail
   *     costs about what the encoder's image front-end does)
   */
  public ThumbnailPool(ThumbnailPolicy policy, ThumbnailMaker maker, int threads) {
    this.policy = policy;
    this.maker = maker;
    this.executor = policy.enabled() ? Executors.newFixedThreadPool(threads, daemons()) : null;
  }

  /**
   * Starts the thumbnail of {@code image} (null: the event has no image, so any earlier thumbnail
   * must go); the result's {@link PendingThumbnail#await} waits for it.
   */
  public PendingThumbnail start(byte[] image) {
    if (image == null || !policy.enabled()) {
      return Thumbnail::none;
    }
    Supplier<Thumbnail> make =
        () -> {
          try {
            return Thumbnail.of(maker.make(image));
          } catch (RuntimeException e) {
            return Thumbnail.failed(messageOf(e));
          }
        };
    try {
      return CompletableFuture.supplyAsync(make, executor)::join;
    } catch (RejectedExecutionException closing) {
      // a batch that outlives the pool at shutdown still gets its thumbnails, on the caller's
      // thread
      Thumbnail made = make.get();
      return () -> made;
    }
  }

  /** A thumbnail being made. */
  @FunctionalInterface
  public interface PendingThumbnail {
    /** Waits for it; never fails (a failure is an absent thumbnail with its reason). */
    Thumbnail await();
  }

  private static String messageOf(RuntimeException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static ThreadFactory daemons() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "thumbnails-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
