package dev.bgevl.streams.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers when the stream threads of one application died. A thread that dies is replaced and
 * resumes from the last commit, so one death is routine; {@code threshold} deaths within {@code
 * window} mean the application is stuck (the same record or an unreachable dependency kills every
 * replacement) even though Kafka Streams still says RUNNING. Readiness reads {@link #problem()}; it
 * clears once a window passes without deaths.
 */
public final class ThreadDeathWatch {

  /**
   * Three deaths in two minutes: at about one replacement every 10 s, readiness turns DOWN within
   * ~30 s.
   */
  public static final int DEFAULT_THRESHOLD = 3;

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(2);

  private final String app;
  private final int threshold;
  private final Duration window;
  private final Clock clock;
  private final Deque<Instant> deaths = new ArrayDeque<>();
  private String lastError = "";

  public ThreadDeathWatch(String app, int threshold, Duration window, Clock clock) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be >= 1, got " + threshold);
    }
    this.app = Objects.requireNonNull(app, "app");
    this.threshold = threshold;
    this.window = Objects.requireNonNull(window, "window");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records a death and its cause (class and message only: the log has the rest). */
  public synchronized void died(Throwable cause) {
    deaths.addLast(clock.instant());
    lastError = rootOf(cause).toString();
    prune();
  }

  /**
   * Why the application is stuck, or empty while fewer than {@code threshold} deaths fell within
   * the window.
   */
  public synchronized Optional<String> problem() {
    prune();
    if (deaths.size() < threshold) {
      return Optional.empty();
    }
    return Optional.of(
        app
            + " stream threads died "
            + deaths.size()
            + " times in the last "
            + window.toSeconds()
            + " s; last error: "
            + lastError);
  }

  private void prune() {
    Instant oldest = clock.instant().minus(window);
    while (!deaths.isEmpty() && deaths.peekFirst().isBefore(oldest)) {
      deaths.removeFirst();
    }
  }

  private static Throwable rootOf(Throwable e) {
    Throwable t = e;
    // Streams wraps what killed the thread; the innermost cause is what an operator can act on
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
