package dev.bgevl.streams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthChecksTest {
  private final HealthChecks health = new HealthChecks();

  @Test
  void shouldBeReadyWithNoChecks() {
    assertTrue(health.check().ready());
  }

  @Test
  void shouldNameFailingChecksInRegistrationOrder() {
    health.register("model loaded", () -> true);
    health.register("query streams RUNNING", () -> false);
    health.register(
        "Milvus reachable",
        () -> {
          throw new IllegalStateException("down");
        });
    assertEquals(List.of("query streams RUNNING", "Milvus reachable"), health.check().failing());
  }

  @Test
  void shouldFailPendingCheckUntilReplaced() {
    AtomicBoolean running = new AtomicBoolean(true);
    health.pending("ingest streams RUNNING");
    health.register("model loaded", () -> true);
    assertEquals(List.of("ingest streams RUNNING"), health.check().failing());
    health.register("ingest streams RUNNING", running::get);
    assertTrue(health.check().ready());
    running.set(false);
    assertEquals(List.of("ingest streams RUNNING"), health.check().failing());
  }

  @Test
  void shouldFollowAFailingCheckNameWithItsReason() {
    java.util.concurrent.atomic.AtomicReference<java.util.Optional<String>> problem =
        new java.util.concurrent.atomic.AtomicReference<>(java.util.Optional.empty());
    health.registerWithReason("ingest stream threads stable", problem::get);
    assertTrue(health.check().ready());
    problem.set(java.util.Optional.of("died 3 times"));
    assertEquals(
        java.util.List.of("ingest stream threads stable: died 3 times"), health.check().failing());
  }
}
