package dev.bgevl.streams.encoder.batch;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.StagedEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One batch whose inputs are being prepared on the pool, one task per input, so a batch spreads
 * over every preparation thread and a throwing input fails alone; a batch of one input (a lone
 * query image) gets the pool's other threads to spread that input over.
 */
record PreparingBatch<P>(
    List<PendingItem> items, List<CompletableFuture<P>> prepared, long formedNanos) {

  static <P> PreparingBatch<P> start(
      StagedEncoder<P> encoder,
      List<PendingItem> items,
      long formedNanos,
      Executor pool,
      int poolThreads) {
    List<CompletableFuture<P>> futures = new ArrayList<>(items.size());
    if (items.size() == 1) {
      // the other threads may still be on the previous batch: the encoder's helpers only take work
      // a thread is free for, so at worst the lone input is prepared by its own thread alone
      EncodeInput input = items.get(0).input();
      futures.add(
          CompletableFuture.supplyAsync(() -> encoder.prepare(input, pool, poolThreads - 1), pool));
    } else {
      for (PendingItem item : items) {
        futures.add(CompletableFuture.supplyAsync(() -> encoder.prepare(item.input()), pool));
      }
    }
    return new PreparingBatch<>(List.copyOf(items), futures, formedNanos);
  }

  /**
   * Waits for every input; splits them into those ready for the device and those whose preparation
   * threw.
   */
  Ready<P> await() {
    List<PendingItem> ok = new ArrayList<>(items.size());
    List<P> ready = new ArrayList<>(items.size());
    List<Failed> failed = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      try {
        ready.add(prepared.get(i).join());
        ok.add(items.get(i));
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        failed.add(new Failed(items.get(i), e.getCause() != null ? e.getCause() : e));
      }
    }
    return new Ready<>(ok, ready, failed);
  }

  /** The inputs ready for the device, in batch order, and those that failed. */
  record Ready<P>(List<PendingItem> items, List<P> prepared, List<Failed> failed) {}

  /** An input whose preparation threw. */
  record Failed(PendingItem item, Throwable cause) {}
}
