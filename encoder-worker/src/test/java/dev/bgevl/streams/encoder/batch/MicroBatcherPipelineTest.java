package dev.bgevl.streams.encoder.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.ModelInfo;
import dev.bgevl.streams.encoder.StagedEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The overlapped front-end of {@link MicroBatcher} with a {@link StagedEncoder}: the next batch is
 * prepared while the current one is in inference, on several threads, with at most two batches
 * prepared at once, and an input whose preparation throws fails alone.
 */
@Timeout(30)
class MicroBatcherPipelineTest {

  private static final Duration LONG_DELAY = Duration.ofSeconds(5);

  private final List<MicroBatcher> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(MicroBatcher::close);
  }

  private MicroBatcher batcher(StagedEncoder<String> encoder, int maxBatch, int prepareThreads) {
    MicroBatcher b =
        new MicroBatcher(
            encoder,
            new BatchPolicy(maxBatch, LONG_DELAY, 256, Duration.ofSeconds(5), prepareThreads),
            BatchListener.NONE);
    opened.add(b);
    return b;
  }

  /**
   * Prepares an input into its text; infers each into a one-value vector; hooks let a test hold
   * either stage.
   */
  private static class FakeStaged implements StagedEncoder<String> {
    final Set<String> preparedOn = ConcurrentHashMap.newKeySet();
    final AtomicInteger preparedNotInferred = new AtomicInteger();
    final AtomicInteger mostPreparedAtOnce = new AtomicInteger();

    @Override
    public String prepare(EncodeInput input) {
      preparedOn.add(Thread.currentThread().getName());
      mostPreparedAtOnce.accumulateAndGet(preparedNotInferred.incrementAndGet(), Math::max);
      onPrepare(input.text());
      return input.text();
    }

    void onPrepare(String text) {}

    void onInfer(List<String> batch) {}

    @Override
    public List<EncodeResult> infer(List<String> prepared) {
      onInfer(prepared);
      preparedNotInferred.addAndGet(-prepared.size());
      List<EncodeResult> out = new ArrayList<>();
      for (String s : prepared) {
        out.add(new EncodeResult.Encoded(new float[] {s.length()}));
      }
      return out;
    }

    @Override
    public List<EncodeResult> encode(List<EncodeInput> inputs) {
      return infer(inputs.stream().map(this::prepare).toList());
    }

    @Override
    public ModelInfo model() {
      return new ModelInfo("fake", 1);
    }

    @Override
    public void close() {}
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(10, TimeUnit.SECONDS), "timed out waiting: " + what);
  }

  @Test
  void shouldPrepareTheNextBatchWhileTheCurrentOneIsInInference() throws Exception {
    CountDownLatch blockerInInference = new CountDownLatch(1);
    CountDownLatch releaseBlocker = new CountDownLatch(1);
    CountDownLatch nextBatchPreparing = new CountDownLatch(1);
    AtomicInteger overlapped = new AtomicInteger();
    FakeStaged encoder =
        new FakeStaged() {
          @Override
          void onPrepare(String text) {
            if (text.startsWith("second")) {
              nextBatchPreparing.countDown();
            }
          }

          @Override
          void onInfer(List<String> batch) {
            try {
              if (batch.get(0).startsWith("blocker")) {
                blockerInInference.countDown();
                releaseBlocker.await();
              } else if (batch.get(0).startsWith("first")) {
                // batch "first" is in inference: "second" must already be in preparation
                if (nextBatchPreparing.await(10, TimeUnit.SECONDS)) {
                  overlapped.incrementAndGet();
                }
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    MicroBatcher batcher = batcher(encoder, 2, 2);
    List<CompletableFuture<EncodeResult>> all = new ArrayList<>();
    all.addAll(
        batcher.submitAll(
            List.of(EncodeInput.text("blocker1"), EncodeInput.text("blocker2")),
            Lane.INGEST,
            null));
    await(blockerInInference, "the blocker batch to reach inference");
    for (String s : List.of("first1", "first2", "second1", "second2")) {
      all.add(batcher.submit(EncodeInput.text(s), Lane.INGEST, null));
    }
    releaseBlocker.countDown();
    for (CompletableFuture<EncodeResult> f : all) {
      assertInstanceOf(EncodeResult.Encoded.class, f.get(10, TimeUnit.SECONDS));
    }
    assertEquals(
        1,
        overlapped.get(),
        "the second batch was not being prepared while the first was in inference");
  }

  @Test
  void shouldFailOnlyTheInputWhosePreparationThrew() throws Exception {
    IllegalStateException boom = new IllegalStateException("decoder bug");
    FakeStaged encoder =
        new FakeStaged() {
          @Override
          void onPrepare(String text) {
            if (text.equals("bad")) {
              throw boom;
            }
          }
        };
    MicroBatcher batcher = batcher(encoder, 3, 2);
    List<CompletableFuture<EncodeResult>> f =
        batcher.submitAll(
            List.of(EncodeInput.text("good"), EncodeInput.text("bad"), EncodeInput.text("fine!")),
            Lane.QUERY,
            null);
    assertEquals(4f, ((EncodeResult.Encoded) f.get(0).get(10, TimeUnit.SECONDS)).vector()[0]);
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> f.get(1).get(10, TimeUnit.SECONDS));
    assertSame(boom, failed.getCause());
    assertEquals(5f, ((EncodeResult.Encoded) f.get(2).get(10, TimeUnit.SECONDS)).vector()[0]);
  }

  @Test
  void shouldOfferALoneInputThePoolsOtherThreadsAndABatchNone() throws Exception {
    List<Integer> idleOffered = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> ownAndHelper = new java.util.concurrent.CopyOnWriteArrayList<>();
    FakeStaged encoder =
        new FakeStaged() {
          @Override
          public String prepare(
              EncodeInput input, java.util.concurrent.Executor helpers, int idleThreads) {
            idleOffered.add(idleThreads);
            // the lone input's thread hands a piece of its work to the pool and gets it done there
            ownAndHelper.add(Thread.currentThread().getName());
            CompletableFuture.runAsync(
                    () -> ownAndHelper.add(Thread.currentThread().getName()), helpers)
                .join();
            return prepare(input);
          }
        };
    MicroBatcher lone =
        new MicroBatcher(
            encoder,
            new BatchPolicy(4, Duration.ofMillis(1), 256, Duration.ofSeconds(5), 3),
            BatchListener.NONE);
    opened.add(lone);
    EncodeResult alone =
        lone.submit(EncodeInput.text("alone"), Lane.QUERY, null).get(10, TimeUnit.SECONDS);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new float[] {5}, assertInstanceOf(EncodeResult.Encoded.class, alone).vector());
    assertEquals(List.of(2), idleOffered, "the other 2 of 3 preparation threads");
    assertEquals(2, ownAndHelper.size());
    assertTrue(
        !ownAndHelper.get(0).equals(ownAndHelper.get(1))
            && ownAndHelper.get(1).startsWith("encoder-prepare-"),
        "helped by another preparation thread: " + ownAndHelper);

    // a whole batch (4 of 4, so it goes at once) is spread one input per thread instead
    MicroBatcher full = batcher(encoder, 4, 3);
    for (CompletableFuture<EncodeResult> f :
        full.submitAll(
            List.of(
                EncodeInput.text("a"),
                EncodeInput.text("b"),
                EncodeInput.text("c"),
                EncodeInput.text("d")),
            Lane.INGEST,
            null)) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertEquals(List.of(2), idleOffered, "a batch of four was prepared as a lone input");
  }

  @Test
  void shouldSpreadOneBatchOverThePreparationThreadsAndKeepAtMostTwoBatchesPrepared()
      throws Exception {
    CountDownLatch bothThreadsBusy = new CountDownLatch(2);
    FakeStaged encoder =
        new FakeStaged() {
          @Override
          void onPrepare(String text) {
            if (text.startsWith("pair")) {
              // each of the two waits for the other: only two threads preparing at once let both
              // finish
              bothThreadsBusy.countDown();
              try {
                bothThreadsBusy.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    MicroBatcher batcher = batcher(encoder, 4, 2);
    List<CompletableFuture<EncodeResult>> all =
        new ArrayList<>(
            batcher.submitAll(
                List.of(EncodeInput.text("pair1"), EncodeInput.text("pair2")), Lane.INGEST, null));
    for (int i = 0; i < 62; i++) { // 64 in all: whole batches, so none waits out the delay
      all.add(batcher.submit(EncodeInput.text("item" + i), Lane.INGEST, null));
    }
    for (CompletableFuture<EncodeResult> f : all) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertEquals(0, bothThreadsBusy.getCount(), "one batch's inputs were not prepared in parallel");
    assertEquals(2, encoder.preparedOn.size(), "threads used: " + encoder.preparedOn);
    assertTrue(
        encoder.mostPreparedAtOnce.get() <= 8,
        "inputs prepared and waiting for the device at once: "
            + encoder.mostPreparedAtOnce.get()
            + " > 2 batches of 4");
  }

  @Test
  void shouldStillFillTheNextBatchFromTheQueryLaneFirst() throws Exception {
    CountDownLatch blockerInInference = new CountDownLatch(1);
    CountDownLatch releaseBlocker = new CountDownLatch(1);
    List<List<String>> inferred = new java.util.concurrent.CopyOnWriteArrayList<>();
    FakeStaged encoder =
        new FakeStaged() {
          @Override
          void onInfer(List<String> batch) {
            inferred.add(List.copyOf(batch));
            if (batch.get(0).startsWith("blocker")) {
              blockerInInference.countDown();
              try {
                releaseBlocker.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    MicroBatcher batcher = batcher(encoder, 2, 2);
    List<CompletableFuture<EncodeResult>> all =
        new ArrayList<>(
            batcher.submitAll(
                List.of(EncodeInput.text("blocker1"), EncodeInput.text("blocker2")),
                Lane.INGEST,
                null));
    await(blockerInInference, "the blocker batch to reach inference");
    all.addAll(
        batcher.submitAll(
            List.of(
                EncodeInput.text("ingest1"),
                EncodeInput.text("ingest2"),
                EncodeInput.text("ingest3"),
                EncodeInput.text("ingest4")),
            Lane.INGEST,
            null));
    all.addAll(
        batcher.submitAll(
            List.of(EncodeInput.text("query1"), EncodeInput.text("query2")), Lane.QUERY, null));
    releaseBlocker.countDown();
    for (CompletableFuture<EncodeResult> f : all) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertEquals(List.of("query1", "query2"), inferred.get(1), "batches in order: " + inferred);
  }
}
