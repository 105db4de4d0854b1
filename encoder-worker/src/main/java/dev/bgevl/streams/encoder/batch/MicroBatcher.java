package dev.bgevl.streams.encoder.batch;

import dev.bgevl.streams.encoder.DeadlineExceededException;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.encoder.EncoderException;
import dev.bgevl.streams.encoder.EncoderOverloadedException;
import dev.bgevl.streams.encoder.StagedEncoder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges single encode requests from many threads into batches and runs them through one {@link
 * Encoder}.
 *
 * <p>A batch is sent when it holds {@code maxBatchSize} items or when its oldest item has waited
 * {@code maxDelay}, whichever comes first. Batches run one at a time on a single thread named
 * {@code micro-batcher}: the device is one shared resource, and two concurrent batches would only
 * split its cores (or GPU) between them and make each slower, while a queue in front of one runner
 * keeps batches full. Lanes: {@link Lane#QUERY} fills a batch first; one slot is kept for {@link
 * Lane#INGEST} once its oldest item has waited {@code maxDelay}, so ingest slows under query load
 * but never stops.
 *
 * <p>With a {@link StagedEncoder} the CPU-side front-end overlaps the device: each batch's inputs
 * are decoded and preprocessed one per task on a pool of {@link BatchPolicy#prepareThreads()}
 * threads (default: one per core), and while batch N is in inference the next batch, if it is
 * already due, is taken and prepared. At most two batches are prepared or in preparation at once,
 * so memory stays bounded by two batches of tensors (the queue behind them holds only the submitted
 * bytes, up to {@code queueCapacity}). An input whose preparation throws fails alone; its batch
 * goes on without it. Lanes keep their rule: every batch is still filled QUERY first; a query that
 * arrives after the next batch was taken ahead waits for that one batch more.
 *
 * <p>Futures complete on the {@code micro-batcher} thread: keep dependent stages short, or use the
 * {@code *Async} variants. The batcher never closes the encoder; whoever built the encoder does.
 */
public final class MicroBatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MicroBatcher.class);

  /** How long {@link #close()} waits for the queue to drain. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Encoder encoder;
  private final BatchPolicy policy;
  private final BatchListener listener;
  private final long maxDelayNanos;
  // the batch rules' time: when an item arrived, when a batch is due, whether a deadline passed;
  // injected so tests move it instead of sleeping (timings for metrics and logs stay on the real
  // clock)
  private final LongSupplier nanoTime;
  private final Clock clock;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition itemsWaiting = lock.newCondition();
  private final Condition roomFreed = lock.newCondition();
  private final LaneQueues queues = new LaneQueues();
  // guarded by lock
  private boolean closed;
  // guarded by lock: close gave up waiting; the dispatcher stops after its current batch
  private boolean abandoned;
  // guarded by lock: the batch inside encoder.encode, so a timed-out close can fail its futures too
  private List<PendingItem> inFlight = List.of();

  // warm-up and the dispatcher both hold this around encode, so warm-up never runs beside a batch
  private final Object device = new Object();
  private final Thread dispatcher;
  // decodes and preprocesses for a StagedEncoder; null for a plain Encoder
  private final ExecutorService preparePool;
  private final int prepareThreads;

  /**
   * Starts the {@code micro-batcher} thread and, for a {@link StagedEncoder}, the policy's
   * preparation threads; {@code listener} may be {@link BatchListener#NONE}.
   */
  public MicroBatcher(Encoder encoder, BatchPolicy policy, BatchListener listener) {
    this(encoder, policy, listener, System::nanoTime, Clock.systemUTC());
  }

  /**
   * As {@link #MicroBatcher(Encoder, BatchPolicy, BatchListener)}, with the time the batch rules
   * read: {@code nanoTime} for arrival and due times, {@code clock} for deadlines. After moving a
   * test's time forward, call {@link #timeMoved()}.
   */
  public MicroBatcher(
      Encoder encoder,
      BatchPolicy policy,
      BatchListener listener,
      LongSupplier nanoTime,
      Clock clock) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.maxDelayNanos = policy.maxDelay().toNanos();
    int threads = policy.effectivePrepareThreads();
    this.prepareThreads = threads;
    this.preparePool =
        encoder instanceof StagedEncoder<?>
            ? Executors.newFixedThreadPool(threads, daemon())
            : null;
    this.dispatcher = new Thread(this::dispatchLoop, "micro-batcher");
    // a batch stuck in native code must not keep the JVM alive after close gave up on it
    this.dispatcher.setDaemon(true);
    this.dispatcher.start();
    log.info(
        "Started micro-batcher maxBatchSize={} maxDelayMs={} queueCapacity={} submitTimeoutMs={} prepareThreads={}",
        policy.maxBatchSize(),
        policy.maxDelay().toMillis(),
        policy.queueCapacity(),
        policy.submitTimeout().toMillis(),
        preparePool == null ? 0 : threads);
  }

  private static ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "encoder-prepare-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public BatchPolicy policy() {
    return policy;
  }

  /**
   * Items of {@code lane} waiting in the queue now, not yet taken into a batch (for a queue-depth
   * gauge; the batch inside the encoder is not counted). Takes the batcher's lock briefly.
   */
  public int queued(Lane lane) {
    Objects.requireNonNull(lane, "lane");
    lock.lock();
    try {
      return queues.size(lane);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Wakes the dispatcher to look at the time again: an injected clock moves without the waits
   * noticing. Production never needs it (the system clock's waits end on their own).
   */
  public void timeMoved() {
    lock.lock();
    try {
      itemsWaiting.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues one input. The future fails with {@link EncoderOverloadedException} when the queue stays
   * full (at once for {@link Lane#QUERY}, after {@code submitTimeout} for {@link Lane#INGEST},
   * which blocks the caller meanwhile) or the batcher is closed, with {@link
   * DeadlineExceededException} when {@code deadline} (null: none) passed before its batch formed,
   * and with the encoder's exception when its batch failed. A rejected input completes normally
   * with {@link EncodeResult.Rejected}.
   */
  public CompletableFuture<EncodeResult> submit(EncodeInput input, Lane lane, Instant deadline) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(lane, "lane");
    CompletableFuture<EncodeResult> future = new CompletableFuture<>();
    EncoderOverloadedException refused;
    lock.lock();
    try {
      refused = awaitRoom(lane);
      if (refused == null) {
        queues.add(new PendingItem(input, lane, deadline, nanoTime.getAsLong(), future));
        itemsWaiting.signal();
        return future;
      }
    } finally {
      lock.unlock();
    }
    notifyListener(() -> listener.onOverloaded(lane));
    future.completeExceptionally(refused);
    return future;
  }

  /**
   * {@link #submit} for each input, in order; an INGEST list longer than the free room blocks as
   * needed.
   */
  public List<CompletableFuture<EncodeResult>> submitAll(
      List<EncodeInput> inputs, Lane lane, Instant deadline) {
    List<CompletableFuture<EncodeResult>> futures = new ArrayList<>(inputs.size());
    for (EncodeInput input : inputs) {
      futures.add(submit(input, lane, deadline));
    }
    return futures;
  }

  /** Waits (INGEST only) until the queue has room; answers why not, or null when there is room. */
  private EncoderOverloadedException awaitRoom(Lane lane) {
    if (closed) {
      return closedException();
    }
    if (queues.size() < policy.queueCapacity()) {
      return null;
    }
    // a callback on the dispatcher that blocked here would wait for room only the dispatcher can
    // free
    if (lane == Lane.QUERY || Thread.currentThread() == dispatcher) {
      return new EncoderOverloadedException(
          "encoder queue is full: "
              + BatchPolicy.QUEUE_CAPACITY_CONFIG
              + "="
              + policy.queueCapacity()
              + " items waiting, lane="
              + lane);
    }
    long left = policy.submitTimeout().toNanos();
    try {
      while (queues.size() >= policy.queueCapacity() && !closed) {
        if (left <= 0) {
          return new EncoderOverloadedException(
              "encoder queue stayed full for "
                  + BatchPolicy.SUBMIT_TIMEOUT_MS_CONFIG
                  + "="
                  + policy.submitTimeout().toMillis()
                  + ": "
                  + BatchPolicy.QUEUE_CAPACITY_CONFIG
                  + "="
                  + policy.queueCapacity()
                  + " items waiting, lane="
                  + lane);
        }
        left = roomFreed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new EncoderOverloadedException(
          "interrupted while waiting for room in the encoder queue", e);
    }
    return closed ? closedException() : null;
  }

  private static EncoderOverloadedException closedException() {
    return new EncoderOverloadedException("micro-batcher is closed: it takes no more inputs");
  }

  /**
   * Encodes synthetic composed inputs once per size, so ONNX Runtime has planned those batch shapes
   * before the first real batch. Runs on the caller's thread, never beside a real batch.
   *
   * @throws EncoderException when the encoder fails; the caller should not start taking traffic
   */
  public void warmUp(int... batchSizes) {
    for (int size : batchSizes) {
      if (size < 1) {
        throw new IllegalArgumentException("warm-up batch size must be at least 1, was " + size);
      }
    }
    EncodeInput sample = WarmUpInput.create();
    for (int size : batchSizes) {
      lock.lock();
      try {
        if (closed) {
          throw new IllegalStateException("micro-batcher is closed: cannot warm up");
        }
      } finally {
        lock.unlock();
      }
      long start = System.nanoTime();
      List<EncodeResult> results;
      synchronized (device) {
        results = encoder.encode(Collections.nCopies(size, sample));
      }
      long rejected = results.stream().filter(EncodeResult.Rejected.class::isInstance).count();
      if (rejected > 0) {
        log.warn(
            "Warm-up inputs rejected batchSize={} rejected={} firstReason={}",
            size,
            rejected,
            results.stream()
                .filter(EncodeResult.Rejected.class::isInstance)
                .findFirst()
                .orElseThrow());
      }
      log.info(
          "Warmed up batchSize={} tookMs={}",
          size,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
  }

  private void dispatchLoop() {
    try {
      if (encoder instanceof StagedEncoder<?> staged) {
        pipeline(staged);
        return;
      }
      List<PendingItem> expired = new ArrayList<>();
      while (true) {
        expired.clear();
        long[] formedNanos = new long[1];
        List<PendingItem> batch = awaitBatch(expired, formedNanos, true, List.of());
        failExpired(expired);
        if (batch == null) {
          return;
        }
        if (!batch.isEmpty()) {
          encodeBatch(batch, formedNanos[0]);
        }
      }
    } catch (InterruptedException e) {
      log.warn("Micro-batcher interrupted; failing what is queued");
    } catch (RuntimeException | Error e) {
      log.error("Micro-batcher failed; failing what is queued", e);
      throw e;
    } finally {
      List<PendingItem> left;
      lock.lock();
      try {
        closed = true;
        left = queues.drainAll();
        left.addAll(inFlight);
        roomFreed.signalAll();
      } finally {
        lock.unlock();
      }
      failAll(
          left,
          new EncoderOverloadedException("micro-batcher stopped before the input was encoded"));
      if (preparePool != null) {
        preparePool.shutdown();
      }
    }
  }

  /**
   * The staged loop: batch N's inputs are prepared on the pool; before N goes to the device, the
   * next batch is taken if it is already due and its preparation starts, so it runs while N is in
   * inference.
   */
  private <P> void pipeline(StagedEncoder<P> staged) throws InterruptedException {
    List<PendingItem> expired = new ArrayList<>();
    PreparingBatch<P> current = null;
    while (true) {
      long[] formedNanos = new long[1];
      if (current == null) {
        expired.clear();
        List<PendingItem> batch = awaitBatch(expired, formedNanos, true, List.of());
        failExpired(expired);
        if (batch == null) {
          return;
        }
        if (batch.isEmpty()) {
          continue;
        }
        current = PreparingBatch.start(staged, batch, formedNanos[0], preparePool, prepareThreads);
      }
      expired.clear();
      List<PendingItem> ahead = awaitBatch(expired, formedNanos, false, current.items());
      failExpired(expired);
      PreparingBatch<P> next =
          ahead == null || ahead.isEmpty()
              ? null
              : PreparingBatch.start(staged, ahead, formedNanos[0], preparePool, prepareThreads);
      inferBatch(staged, current);
      current = next;
    }
  }

  private <P> void inferBatch(StagedEncoder<P> staged, PreparingBatch<P> batch) {
    long start = System.nanoTime();
    PreparingBatch.Ready<P> ready = batch.await();
    for (PreparingBatch.Failed failed : ready.failed()) {
      // a preparation that threw (a decoder bug, say) fails its own input only
      log.warn(
          "Failed to prepare an input lane={} cause={}",
          failed.item().lane(),
          failed.cause().toString());
      failed.item().future().completeExceptionally(failed.cause());
    }
    List<PendingItem> items = ready.items();
    if (items.isEmpty()) {
      return;
    }
    runAndComplete(items, batch.formedNanos(), start, () -> staged.infer(ready.prepared()));
  }

  /**
   * Blocks (or, with {@code block} false, only looks) until a batch is due and takes it (possibly
   * empty when everything taken had expired); answers null once closed and drained, or abandoned,
   * or, when not blocking, when no batch is due yet. {@code stillInFlight} is what the dispatcher
   * holds meanwhile.
   */
  private List<PendingItem> awaitBatch(
      List<PendingItem> expired, long[] formedNanos, boolean block, List<PendingItem> stillInFlight)
      throws InterruptedException {
    lock.lock();
    try {
      inFlight = stillInFlight;
      while (true) {
        if (abandoned || (closed && queues.isEmpty())) {
          return null;
        }
        if (queues.isEmpty()) {
          if (!block) {
            return null;
          }
          itemsWaiting.await();
          continue;
        }
        long now = nanoTime.getAsLong();
        long dueIn = queues.oldestEnqueuedNanos() + maxDelayNanos - now;
        // closing: send what is left at once rather than wait out the delay
        if (queues.size() >= policy.maxBatchSize() || dueIn <= 0 || closed) {
          List<PendingItem> batch =
              queues.takeBatch(policy.maxBatchSize(), now, maxDelayNanos, clock.instant(), expired);
          formedNanos[0] = now;
          List<PendingItem> held = new ArrayList<>(stillInFlight);
          held.addAll(batch);
          inFlight = held;
          roomFreed.signalAll();
          return batch;
        }
        if (!block) {
          return null;
        }
        itemsWaiting.awaitNanos(dueIn);
      }
    } finally {
      lock.unlock();
    }
  }

  private void encodeBatch(List<PendingItem> batch, long formedNanos) {
    List<EncodeInput> inputs = new ArrayList<>(batch.size());
    for (PendingItem item : batch) {
      inputs.add(item.input());
    }
    runAndComplete(batch, formedNanos, System.nanoTime(), () -> encoder.encode(inputs));
  }

  /** Runs {@code call} on the device and completes each item with its result, or fails them all. */
  private void runAndComplete(
      List<PendingItem> batch, long formedNanos, long start, Supplier<List<EncodeResult>> call) {
    int queryItems = 0;
    long maxWaitNanos = 0;
    for (PendingItem item : batch) {
      queryItems += item.lane() == Lane.QUERY ? 1 : 0;
      maxWaitNanos = Math.max(maxWaitNanos, formedNanos - item.enqueuedNanos());
    }
    List<EncodeResult> results;
    try {
      synchronized (device) {
        results = call.get();
      }
      if (results == null || results.size() != batch.size()) {
        throw new EncoderException(
            "encoder returned "
                + (results == null ? "no" : results.size())
                + " results for a batch of "
                + batch.size());
      }
    } catch (RuntimeException e) {
      // one failed batch fails its own items only; the next batch may well succeed
      log.warn(
          "Failed batch size={} query={} encodeMs={} cause={}",
          batch.size(),
          queryItems,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
          e.toString());
      failAll(batch, e);
      notifyListener(() -> listener.onBatchFailed(batch.size(), e));
      return;
    }
    long encodeNanos = System.nanoTime() - start;
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).future().complete(results.get(i));
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "Encoded batch size={} query={} ingest={} waitMs={} encodeMs={}",
          batch.size(),
          queryItems,
          batch.size() - queryItems,
          TimeUnit.NANOSECONDS.toMillis(maxWaitNanos),
          TimeUnit.NANOSECONDS.toMillis(encodeNanos));
    }
    int query = queryItems;
    long waited = maxWaitNanos;
    notifyListener(() -> listener.onBatch(batch.size(), query, waited, encodeNanos));
  }

  private void failExpired(List<PendingItem> expired) {
    if (expired.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    for (PendingItem item : expired) {
      Duration late = item.lateness(now);
      item.future()
          .completeExceptionally(
              new DeadlineExceededException(
                  "deadline passed "
                      + late.toMillis()
                      + " ms before the input could be encoded (lane="
                      + item.lane()
                      + ")",
                  late));
      notifyListener(() -> listener.onDeadlineExceeded(item.lane(), late.toNanos()));
    }
  }

  private static void failAll(List<PendingItem> items, Throwable cause) {
    for (PendingItem item : items) {
      item.future().completeExceptionally(cause);
    }
  }

  private void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      // metrics must never break encoding
      log.warn("Batch listener failed cause={}", e.toString());
    }
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops taking inputs, encodes what is queued within {@code timeout}, then fails whatever is left
   * with {@link EncoderOverloadedException}. Idempotent. Called from a future's callback (on the
   * batcher's own thread) it only stops intake and answers false; the thread drains and ends once
   * the callback returns.
   *
   * @return true when everything queued was handled and the dispatcher thread ended in time
   */
  public boolean close(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    boolean first;
    int waiting;
    lock.lock();
    try {
      first = !closed;
      closed = true;
      waiting = queues.size();
      itemsWaiting.signalAll();
      roomFreed.signalAll();
    } finally {
      lock.unlock();
    }
    if (first) {
      log.info("Closing micro-batcher waiting={} timeoutMs={}", waiting, timeout.toMillis());
    }
    if (Thread.currentThread() == dispatcher) {
      // closed from a future's callback: the dispatcher drains on its own once this callback
      // returns
      return false;
    }
    long start = System.nanoTime();
    boolean ended = join(timeout);
    if (preparePool != null) {
      preparePool.shutdownNow();
    }
    if (ended) {
      if (first) {
        log.info(
            "Closed micro-batcher tookMs={}",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
      return true;
    }
    List<PendingItem> left;
    lock.lock();
    try {
      abandoned = true;
      left = queues.drainAll();
      left.addAll(inFlight);
      itemsWaiting.signalAll();
    } finally {
      lock.unlock();
    }
    failAll(
        left,
        new EncoderOverloadedException(
            "micro-batcher closed before the input was encoded: the queue"
                + " did not drain within "
                + timeout.toMillis()
                + " ms"));
    log.warn(
        "Closed micro-batcher with a batch still running failed={} timeoutMs={}",
        left.size(),
        timeout.toMillis());
    return false;
  }

  private boolean join(Duration timeout) {
    try {
      dispatcher.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !dispatcher.isAlive();
  }
}
