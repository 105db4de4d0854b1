package dev.bgevl.streams.encoder.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.DeadlineExceededException;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.encoder.EncoderException;
import dev.bgevl.streams.encoder.EncoderOverloadedException;
import dev.bgevl.streams.encoder.ModelInfo;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The batching rules of {@link MicroBatcher}, one test per rule. A unit test of this one class: it
 * runs on {@link FakeEncoder}, a hand-written {@link Encoder} that records the batches it sees and
 * can hold or throw on command; {@link MicroBatcherTinyModelTest} runs the real model.
 */
@Timeout(30)
class MicroBatcherTest {

  private static final Duration LONG_DELAY = Duration.ofSeconds(5);
  private static final long WAIT_S = 10;

  private final FakeEncoder encoder = new FakeEncoder();
  private final List<MicroBatcher> opened = new ArrayList<>();
  // the batch rules' time in the tests that are about time: moved by hand, never slept through
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-02T00:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  @AfterEach
  void closeAll() {
    encoder.release();
    opened.forEach(MicroBatcher::close);
  }

  private MicroBatcher batcher(BatchPolicy policy) {
    return batcher(policy, BatchListener.NONE);
  }

  private MicroBatcher batcher(BatchPolicy policy, BatchListener listener) {
    MicroBatcher b = new MicroBatcher(encoder, policy, listener);
    opened.add(b);
    return b;
  }

  /** A batcher on the test's own time ({@link #advance}). */
  private MicroBatcher batcherOnTestTime(BatchPolicy policy) {
    MicroBatcher b = new MicroBatcher(encoder, policy, BatchListener.NONE, nanos::get, clock);
    opened.add(b);
    return b;
  }

  private void advance(MicroBatcher batcher, Duration by) {
    nanos.addAndGet(by.toNanos());
    now.updateAndGet(t -> t.plus(by));
    batcher.timeMoved();
  }

  /** Waits until {@code thread} is parked (blocked on a lock or condition), at most 10 s. */
  private static void awaitParked(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (thread.getState() != Thread.State.WAITING
        && thread.getState() != Thread.State.TIMED_WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(thread.getName() + " never parked: " + thread.getState());
      }
      Thread.onSpinWait();
    }
  }

  private static Thread waitFor(AtomicReference<Thread> thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (thread.get() == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the thread never started");
      }
      Thread.onSpinWait();
    }
    return thread.get();
  }

  /** The dispatcher thread of the batcher the test just made. */
  private static Thread dispatcher() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("micro-batcher") && t.isAlive())
        .reduce((a, b) -> a.getId() > b.getId() ? a : b)
        .orElseThrow();
  }

  private static BatchPolicy policy(int maxSize, Duration maxDelay, int capacity) {
    return new BatchPolicy(maxSize, maxDelay, capacity, Duration.ofSeconds(5));
  }

  private static EncodeInput text(String s) {
    return EncodeInput.text(s);
  }

  private static List<EncodeInput> texts(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> text(prefix + i)).toList();
  }

  private static EncodeResult get(CompletableFuture<EncodeResult> f) throws Exception {
    return f.get(WAIT_S, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<EncodeResult> f) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> f.get(WAIT_S, TimeUnit.SECONDS));
    return e.getCause();
  }

  /** Submits a full batch of INGEST items and waits until the encoder holds it. */
  private List<CompletableFuture<EncodeResult>> occupyEncoder(MicroBatcher batcher, int maxSize)
      throws InterruptedException {
    encoder.hold();
    List<CompletableFuture<EncodeResult>> futures =
        batcher.submitAll(texts("blocker-", maxSize), Lane.INGEST, null);
    encoder.awaitEntered();
    return futures;
  }

  @Test
  void shouldSendOneBatchOfExactlyMaxSizeWhenThatManyArriveQuickly() throws Exception {
    MicroBatcher batcher = batcher(policy(8, LONG_DELAY, 64));

    List<CompletableFuture<EncodeResult>> futures =
        batcher.submitAll(texts("item-", 8), Lane.INGEST, null);

    for (CompletableFuture<EncodeResult> f : futures) {
      // far below the 5 s delay: only the size rule can have sent it
      f.get(2, TimeUnit.SECONDS);
    }
    assertEquals(List.of(texts("item-", 8)), encoder.batches);
  }

  @Test
  void shouldFlushALoneItemOnceItHasWaitedMaxDelay() throws Exception {
    Duration maxDelay = Duration.ofMillis(200);
    MicroBatcher batcher = batcherOnTestTime(policy(8, maxDelay, 64));

    CompletableFuture<EncodeResult> f = batcher.submit(text("alone"), Lane.QUERY, null);
    advance(batcher, maxDelay.minusMillis(1));
    awaitParked(dispatcher());
    assertFalse(f.isDone(), "flushed before it waited max delay");

    advance(batcher, Duration.ofMillis(1));
    get(f);
    assertEquals(List.of(List.of(text("alone"))), encoder.batches);
  }

  @Test
  void shouldReportWhatWaitsInEachLaneUntilItsBatchIsTaken() throws Exception {
    // on test time nothing is due until the delay passes, so the counts cannot race the dispatcher
    MicroBatcher batcher = batcherOnTestTime(policy(8, LONG_DELAY, 64));
    List<CompletableFuture<EncodeResult>> futures = new ArrayList<>();
    futures.addAll(batcher.submitAll(texts("query-", 2), Lane.QUERY, null));
    futures.addAll(batcher.submitAll(texts("ingest-", 3), Lane.INGEST, null));

    assertEquals(2, batcher.queued(Lane.QUERY));
    assertEquals(3, batcher.queued(Lane.INGEST));

    advance(batcher, LONG_DELAY);
    for (CompletableFuture<EncodeResult> f : futures) {
      get(f);
    }
    assertEquals(0, batcher.queued(Lane.QUERY));
    assertEquals(0, batcher.queued(Lane.INGEST));
  }

  @Test
  void shouldFillTheNextBatchFromTheQueryLaneFirst() throws Exception {
    MicroBatcher batcher = batcher(policy(4, LONG_DELAY, 64));
    occupyEncoder(batcher, 4);

    List<CompletableFuture<EncodeResult>> ingest =
        batcher.submitAll(texts("ingest-", 4), Lane.INGEST, null);
    List<CompletableFuture<EncodeResult>> query =
        batcher.submitAll(texts("query-", 4), Lane.QUERY, null);
    encoder.release();
    for (CompletableFuture<EncodeResult> f : query) {
      get(f);
    }
    for (CompletableFuture<EncodeResult> f : ingest) {
      get(f);
    }

    assertEquals(texts("query-", 4), encoder.batches.get(1));
    assertEquals(texts("ingest-", 4), encoder.batches.get(2));
  }

  @Test
  void shouldKeepOneSlotForIngestThatHasWaitedMaxDelay() throws Exception {
    Duration maxDelay = Duration.ofMillis(50);
    MicroBatcher batcher = batcherOnTestTime(policy(4, maxDelay, 64));
    occupyEncoder(batcher, 4);

    List<CompletableFuture<EncodeResult>> ingest =
        batcher.submitAll(texts("ingest-", 2), Lane.INGEST, null);
    List<CompletableFuture<EncodeResult>> query =
        batcher.submitAll(texts("query-", 8), Lane.QUERY, null);
    advance(batcher, maxDelay.multipliedBy(2)); // the ingest items age past max delay
    encoder.release();
    for (CompletableFuture<EncodeResult> f : ingest) {
      get(f);
    }
    for (CompletableFuture<EncodeResult> f : query) {
      get(f);
    }

    assertEquals(
        List.of(text("query-0"), text("query-1"), text("query-2"), text("ingest-0")),
        encoder.batches.get(1));
    assertEquals(
        List.of(text("query-3"), text("query-4"), text("query-5"), text("ingest-1")),
        encoder.batches.get(2));
    assertEquals(List.of(text("query-6"), text("query-7")), encoder.batches.get(3));
  }

  @Test
  void shouldFailAQuerySubmitAtOnceWhenTheQueueIsFull() throws Exception {
    List<Lane> refused = new CopyOnWriteArrayList<>();
    MicroBatcher batcher =
        batcher(
            policy(2, LONG_DELAY, 2),
            new BatchListener() {
              @Override
              public void onBatch(
                  int size, int queryItems, long maxQueueWaitNanos, long encodeNanos) {}

              @Override
              public void onOverloaded(Lane lane) {
                refused.add(lane);
              }
            });
    occupyEncoder(batcher, 2);
    batcher.submitAll(texts("queued-", 2), Lane.INGEST, null);

    CompletableFuture<EncodeResult> f = batcher.submit(text("query"), Lane.QUERY, null);

    // submit has returned, and already with a failed future: the query lane never waits for room
    assertTrue(f.isCompletedExceptionally(), "a query on a full queue must fail at once");
    Throwable cause = failure(f);
    assertInstanceOf(EncoderOverloadedException.class, cause);
    assertTrue(cause.getMessage().contains(BatchPolicy.QUEUE_CAPACITY_CONFIG), cause.getMessage());
    assertEquals(List.of(Lane.QUERY), refused);
  }

  @Test
  void shouldBlockAnIngestSubmitThenFailItAfterSubmitTimeout() throws Exception {
    Duration submitTimeout = Duration.ofMillis(300);
    MicroBatcher batcher = batcher(new BatchPolicy(2, LONG_DELAY, 2, submitTimeout));
    occupyEncoder(batcher, 2);
    batcher.submitAll(texts("queued-", 2), Lane.INGEST, null);

    long start = System.nanoTime();
    CompletableFuture<EncodeResult> f = batcher.submit(text("ingest"), Lane.INGEST, null);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertTrue(tookMs >= submitTimeout.toMillis(), "ingest submit gave up after " + tookMs + " ms");
    Throwable cause = failure(f);
    assertInstanceOf(EncoderOverloadedException.class, cause);
    assertTrue(
        cause.getMessage().contains(BatchPolicy.SUBMIT_TIMEOUT_MS_CONFIG), cause.getMessage());
    assertTrue(encoder.inputs().stream().noneMatch(text("ingest")::equals));
  }

  @Test
  void shouldAdmitABlockedIngestSubmitOnceRoomFrees() throws Exception {
    MicroBatcher batcher =
        batcher(new BatchPolicy(2, Duration.ofMillis(5), 2, Duration.ofSeconds(20)));
    occupyEncoder(batcher, 2);
    batcher.submitAll(texts("queued-", 2), Lane.INGEST, null);
    AtomicReference<Thread> submitting = new AtomicReference<>();
    ExecutorService submitter =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "submitter");
              submitting.set(t);
              return t;
            });
    try {
      Future<CompletableFuture<EncodeResult>> submitted =
          submitter.submit(() -> batcher.submit(text("ingest"), Lane.INGEST, null));
      awaitParked(waitFor(submitting));
      assertFalse(submitted.isDone(), "ingest submit should block while the queue is full");

      encoder.release();

      assertInstanceOf(EncodeResult.Encoded.class, get(submitted.get(WAIT_S, TimeUnit.SECONDS)));
    } finally {
      submitter.shutdownNow();
    }
  }

  @Test
  void shouldNeverEncodeAnItemWhoseDeadlinePassed() throws Exception {
    MicroBatcher batcher = batcher(policy(8, Duration.ofMillis(20), 64));
    CompletableFuture<EncodeResult> late =
        batcher.submit(text("late"), Lane.QUERY, Instant.now().minusMillis(500));
    CompletableFuture<EncodeResult> inTime =
        batcher.submit(text("in-time"), Lane.QUERY, Instant.now().plusSeconds(60));
    CompletableFuture<EncodeResult> noDeadline =
        batcher.submit(text("no-deadline"), Lane.INGEST, null);

    Throwable cause = failure(late);
    DeadlineExceededException exceeded = assertInstanceOf(DeadlineExceededException.class, cause);
    assertTrue(exceeded.late().toMillis() >= 500, "late by " + exceeded.late());
    assertTrue(
        exceeded.getMessage().matches("deadline passed \\d+ ms before .*"), exceeded.getMessage());
    get(inTime);
    get(noDeadline);
    assertEquals(List.of(text("in-time"), text("no-deadline")), encoder.inputs());
  }

  @Test
  void shouldDropAnItemWhoseDeadlinePassesWhileItWaits() throws Exception {
    MicroBatcher batcher = batcherOnTestTime(policy(2, Duration.ofMillis(5), 64));
    occupyEncoder(batcher, 2);
    CompletableFuture<EncodeResult> f =
        batcher.submit(text("query"), Lane.QUERY, now.get().plusMillis(50));
    advance(batcher, Duration.ofMillis(150)); // the deadline passes while the encoder is busy
    encoder.release();

    assertInstanceOf(DeadlineExceededException.class, failure(f));
    assertFalse(encoder.inputs().contains(text("query")));
  }

  @Test
  void shouldFailOnlyTheBatchWhoseEncodeThrew() throws Exception {
    List<Integer> failedSizes = new CopyOnWriteArrayList<>();
    MicroBatcher batcher =
        batcher(
            policy(4, LONG_DELAY, 64),
            new BatchListener() {
              @Override
              public void onBatch(
                  int size, int queryItems, long maxQueueWaitNanos, long encodeNanos) {}

              @Override
              public void onBatchFailed(int size, Throwable cause) {
                failedSizes.add(size);
              }
            });
    EncoderException boom = new EncoderException("native inference failed");
    encoder.failNext(boom);

    List<CompletableFuture<EncodeResult>> first =
        batcher.submitAll(texts("first-", 4), Lane.INGEST, null);
    for (CompletableFuture<EncodeResult> f : first) {
      assertSame(boom, failure(f));
    }
    List<CompletableFuture<EncodeResult>> second =
        batcher.submitAll(texts("second-", 4), Lane.INGEST, null);
    for (CompletableFuture<EncodeResult> f : second) {
      assertInstanceOf(EncodeResult.Encoded.class, get(f));
    }
    assertEquals(List.of(4), failedSizes);
  }

  @Test
  void shouldCompleteEachFutureWithItsOwnInputsResult() throws Exception {
    MicroBatcher batcher = batcher(policy(8, Duration.ofMillis(5), 64));
    List<EncodeInput> inputs = texts("item-", 50);

    List<CompletableFuture<EncodeResult>> futures = batcher.submitAll(inputs, Lane.INGEST, null);

    for (int i = 0; i < inputs.size(); i++) {
      assertArrayEquals(
          FakeEncoder.vectorOf(inputs.get(i)), vector(get(futures.get(i))), "item " + i);
    }
    assertTrue(encoder.batches.stream().allMatch(b -> b.size() <= 8));
  }

  @Test
  void shouldCompleteEveryItemExactlyOnceFromEightConcurrentSubmitters() throws Exception {
    int threads = 8;
    int perThread = 200;
    MicroBatcher batcher = batcher(policy(16, Duration.ofMillis(2), 4096));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<CompletableFuture<EncodeResult>>>> perSubmitter = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Lane lane = t % 2 == 0 ? Lane.QUERY : Lane.INGEST;
        perSubmitter.add(
            pool.submit(
                () -> {
                  start.await(WAIT_S, TimeUnit.SECONDS);
                  List<CompletableFuture<EncodeResult>> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    mine.add(batcher.submit(text("t" + thread + "-" + i), lane, null));
                  }
                  return mine;
                }));
      }
      start.countDown();

      for (int t = 0; t < threads; t++) {
        List<CompletableFuture<EncodeResult>> mine =
            perSubmitter.get(t).get(WAIT_S, TimeUnit.SECONDS);
        for (int i = 0; i < perThread; i++) {
          float[] expected = FakeEncoder.vectorOf(text("t" + t + "-" + i));
          assertArrayEquals(expected, vector(get(mine.get(i))));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Map<EncodeInput, Integer> seen = new HashMap<>();
    encoder.inputs().forEach(in -> seen.merge(in, 1, Integer::sum));
    assertEquals(threads * perThread, seen.size());
    assertTrue(seen.values().stream().allMatch(n -> n == 1), "an input was encoded more than once");
  }

  @Test
  void shouldReportEachBatchToTheListener() throws Exception {
    List<int[]> reported = new CopyOnWriteArrayList<>();
    MicroBatcher batcher =
        batcher(
            policy(4, LONG_DELAY, 64),
            (size, queryItems, maxQueueWaitNanos, encodeNanos) ->
                reported.add(new int[] {size, queryItems}));

    List<CompletableFuture<EncodeResult>> futures =
        new ArrayList<>(batcher.submitAll(texts("q-", 1), Lane.QUERY, null));
    futures.addAll(batcher.submitAll(texts("i-", 3), Lane.INGEST, null));
    for (CompletableFuture<EncodeResult> f : futures) {
      get(f);
    }

    // the listener runs after the futures complete: wait for the dispatcher to finish the batch
    assertTrue(batcher.close(Duration.ofSeconds(WAIT_S)));
    assertEquals(1, reported.size());
    assertArrayEquals(new int[] {4, 1}, reported.get(0));
  }

  @Test
  void shouldDrainQueuedItemsOnCloseWithoutWaitingOutTheDelay() throws Exception {
    MicroBatcher batcher = batcher(policy(8, LONG_DELAY, 64));
    List<CompletableFuture<EncodeResult>> futures =
        batcher.submitAll(texts("item-", 3), Lane.INGEST, null);

    long start = System.nanoTime();
    assertTrue(batcher.close(Duration.ofSeconds(WAIT_S)));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertTrue(tookMs < LONG_DELAY.toMillis(), "close waited out the delay: " + tookMs + " ms");
    for (CompletableFuture<EncodeResult> f : futures) {
      assertInstanceOf(EncodeResult.Encoded.class, f.getNow(null));
    }
    assertTrue(batcher.close(Duration.ofSeconds(1)), "a second close is a no-op");
    Throwable refused = failure(batcher.submit(text("after"), Lane.QUERY, null));
    assertInstanceOf(EncoderOverloadedException.class, refused);
    assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
    assertThrows(IllegalStateException.class, () -> batcher.warmUp(1));
  }

  @Test
  void shouldFailWhatIsLeftWhenCloseTimesOut() throws Exception {
    MicroBatcher batcher = batcher(policy(2, LONG_DELAY, 64));
    List<CompletableFuture<EncodeResult>> inFlight = occupyEncoder(batcher, 2);
    List<CompletableFuture<EncodeResult>> queued =
        batcher.submitAll(texts("queued-", 3), Lane.INGEST, null);

    assertFalse(batcher.close(Duration.ofMillis(200)));

    for (CompletableFuture<EncodeResult> f : inFlight) {
      assertTrue(f.isCompletedExceptionally(), "in-flight item left pending");
      assertInstanceOf(EncoderOverloadedException.class, failure(f));
    }
    for (CompletableFuture<EncodeResult> f : queued) {
      Throwable cause = failure(f);
      assertInstanceOf(EncoderOverloadedException.class, cause);
      assertTrue(cause.getMessage().contains("200 ms"), cause.getMessage());
    }
    encoder.release();
    assertTrue(
        batcher.close(Duration.ofSeconds(WAIT_S)), "the dispatcher ends once the batch returns");
    assertEquals(1, encoder.batches.size(), "nothing queued is encoded after close gave up");
  }

  @Test
  void shouldWarmUpWithTheRequestedBatchSizes() throws Exception {
    MicroBatcher batcher = batcher(policy(8, LONG_DELAY, 64));

    batcher.warmUp(1, 4, 8);

    assertEquals(List.of(1, 4, 8), encoder.batches.stream().map(List::size).toList());
    EncodeInput sample = encoder.batches.get(0).get(0);
    assertTrue(sample.hasText());
    assertNotNull(
        ImageIO.read(new ByteArrayInputStream(sample.image())), "warm-up image must decode");
    assertThrows(IllegalArgumentException.class, () -> batcher.warmUp(0));
  }

  private static float[] vector(EncodeResult r) {
    return assertInstanceOf(EncodeResult.Encoded.class, r).vector();
  }

  /** Records each batch; answers a vector spelled from the input; holds or throws on command. */
  static final class FakeEncoder implements Encoder {
    final List<List<EncodeInput>> batches = new CopyOnWriteArrayList<>();
    private final Semaphore entered = new Semaphore(0);
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    private final AtomicReference<RuntimeException> failNext = new AtomicReference<>();

    /** The input's text as code points, or its image size: distinct inputs get distinct vectors. */
    static float[] vectorOf(EncodeInput input) {
      if (input.text() == null) {
        return new float[] {input.image().length};
      }
      int[] cps = input.text().codePoints().toArray();
      float[] v = new float[cps.length];
      for (int i = 0; i < cps.length; i++) {
        v[i] = cps[i];
      }
      return v;
    }

    /** Makes the next encode calls wait until {@link #release}. */
    void hold() {
      gate.set(new CountDownLatch(1));
    }

    void release() {
      CountDownLatch g = gate.getAndSet(null);
      if (g != null) {
        g.countDown();
      }
    }

    void failNext(RuntimeException e) {
      failNext.set(e);
    }

    void awaitEntered() throws InterruptedException {
      assertTrue(entered.tryAcquire(WAIT_S, TimeUnit.SECONDS), "the encoder was never called");
    }

    List<EncodeInput> inputs() {
      return batches.stream().flatMap(List::stream).toList();
    }

    @Override
    public ModelInfo model() {
      return new ModelInfo("fake", 1);
    }

    @Override
    public List<EncodeResult> encode(List<EncodeInput> inputs) {
      batches.add(List.copyOf(inputs));
      entered.release();
      CountDownLatch g = gate.get();
      if (g != null) {
        try {
          g.await(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      RuntimeException failure = failNext.getAndSet(null);
      if (failure != null) {
        throw failure;
      }
      return inputs.stream()
          .<EncodeResult>map(in -> new EncodeResult.Encoded(vectorOf(in)))
          .toList();
    }

    @Override
    public void close() {}
  }
}
