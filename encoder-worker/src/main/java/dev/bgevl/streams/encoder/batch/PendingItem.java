package dev.bgevl.streams.encoder.batch;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** One submitted input waiting in a lane, with the future its caller holds. */
record PendingItem(
    EncodeInput input,
    Lane lane,
    Instant deadline,
    long enqueuedNanos,
    CompletableFuture<EncodeResult> future) {

  /**
   * How far past its deadline this item is at {@code now}; only meaningful once {@link #expiredAt}.
   */
  Duration lateness(Instant now) {
    return Duration.between(deadline, now);
  }

  boolean expiredAt(Instant now) {
    return deadline != null && now.isAfter(deadline);
  }
}
