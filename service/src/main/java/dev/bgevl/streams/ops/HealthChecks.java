package dev.bgevl.streams.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named readiness checks behind {@code /health/ready}: ready when every one passes. A check
 * that throws fails. Checks run on the probing thread at every probe, so a slow one (a network
 * call) is wrapped in a {@link CachedCheck}. Registering a name again replaces its check, so a
 * service can declare a check as {@link #pending} before the thing it checks exists, and is not
 * ready in between.
 */
public final class HealthChecks {
  private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);

  /** The outcome of one probe: the names of the checks that failed, in registration order. */
  public record Readiness(List<String> failing) {
    public Readiness {
      failing = List.copyOf(failing);
    }

    public boolean ready() {
      return failing.isEmpty();
    }
  }

  /** A check that names its problem: empty when it passes. */
  private record Check(String name, Supplier<Optional<String>> problem) {}

  private volatile List<Check> checks = List.of();
  private final AtomicBoolean wasReady = new AtomicBoolean(true);

  /**
   * Adds the check {@code name}, or replaces the check already registered under it (keeping its
   * place).
   */
  public void register(String name, BooleanSupplier check) {
    Objects.requireNonNull(check, "check");
    registerWithReason(name, () -> check.getAsBoolean() ? Optional.empty() : Optional.of(""));
  }

  /**
   * Adds (or replaces) the check {@code name} that says why it fails: the reason follows the name
   * in {@link Readiness#failing()}, so {@code /health/ready} tells an operator what is wrong, not
   * only where.
   */
  public synchronized void registerWithReason(String name, Supplier<Optional<String>> problem) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(problem, "problem");
    List<Check> next = new ArrayList<>(checks);
    Check added = new Check(name, problem);
    int at = indexOf(next, name);
    if (at >= 0) {
      next.set(at, added);
    } else {
      next.add(added);
    }
    checks = List.copyOf(next);
  }

  /** Declares {@code name} as failing until a real check is registered under it. */
  public void pending(String name) {
    register(name, () -> false);
  }

  /** Runs every check once. */
  public Readiness check() {
    List<String> failing = new ArrayList<>();
    for (Check c : checks) {
      Optional<String> problem = problemOf(c);
      problem.ifPresent(p -> failing.add(p.isEmpty() ? c.name() : c.name() + ": " + p));
    }
    Readiness readiness = new Readiness(failing);
    if (wasReady.getAndSet(readiness.ready()) != readiness.ready()) {
      log.info("Readiness changed ready={} failing={}", readiness.ready(), failing);
    }
    return readiness;
  }

  private static Optional<String> problemOf(Check c) {
    try {
      return c.problem().get();
    } catch (RuntimeException e) {
      log.debug("Readiness check failed check={} error={}", c.name(), e.toString());
      return Optional.of("");
    }
  }

  private static int indexOf(List<Check> list, String name) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
