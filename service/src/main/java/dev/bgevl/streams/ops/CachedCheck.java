package dev.bgevl.streams.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A readiness check that calls an expensive check (a Milvus round trip) at most once per interval
 * and answers every probe in between from the last result. A check that throws counts as failed.
 * While one thread refreshes, the others get the previous answer instead of waiting ({@code false}
 * before the first answer).
 */
public final class CachedCheck implements BooleanSupplier {
  private static final Logger log = LoggerFactory.getLogger(CachedCheck.class);

  private final String name;
  private final BooleanSupplier check;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile boolean last;
  private volatile boolean checked;
  private volatile long checkedAt;

  CachedCheck(String name, Duration interval, BooleanSupplier check, LongSupplier nanoTime) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("check interval must be positive, got " + interval);
    }
    this.name = name;
    this.check = check;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Calls {@code check} at most once per {@code interval}; {@code name} is only for the log. */
  public static CachedCheck every(Duration interval, String name, BooleanSupplier check) {
    return new CachedCheck(name, interval, check, System::nanoTime);
  }

  @Override
  public boolean getAsBoolean() {
    long now = nanoTime.getAsLong();
    if ((!checked || now - checkedAt >= intervalNanos) && refreshing.compareAndSet(false, true)) {
      try {
        // re-read under the flag: another thread may have refreshed since the test above
        if (!checked || now - checkedAt >= intervalNanos) {
          boolean result = run();
          if (checked && result != last) {
            log.info("Check changed check={} passing={}", name, result);
          }
          last = result;
          checkedAt = now;
          checked = true;
        }
      } finally {
        refreshing.set(false);
      }
    }
    return last;
  }

  private boolean run() {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      log.debug("Check failed check={} error={}", name, e.toString());
      return false;
    }
  }
}
