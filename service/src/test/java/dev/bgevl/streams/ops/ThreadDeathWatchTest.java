package dev.bgevl.streams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class ThreadDeathWatchTest {

  private Instant now = Instant.parse("2026-12-02T00:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };
  private final ThreadDeathWatch watch =
      new ThreadDeathWatch("ingest", 3, Duration.ofMinutes(2), clock);

  @Test
  void shouldStayHealthyThroughRoutineReplacements() {
    watch.died(new IllegalStateException("one"));
    now = now.plusSeconds(10);
    watch.died(new IllegalStateException("two"));
    assertEquals(Optional.empty(), watch.problem());
  }

  @Test
  void shouldReportAThreadThatKeepsDyingWithItsRootCause() {
    for (int i = 0; i < 3; i++) {
      watch.died(
          new StreamsException("task failed", new IllegalStateException("Milvus unreachable")));
      now = now.plusSeconds(10);
    }
    String problem = watch.problem().orElseThrow();
    assertTrue(problem.startsWith("ingest stream threads died 3 times in the last 120 s"), problem);
    assertTrue(problem.endsWith("java.lang.IllegalStateException: Milvus unreachable"), problem);
  }

  @Test
  void shouldClearOnceAWindowPassesWithoutDeaths() {
    for (int i = 0; i < 3; i++) {
      watch.died(new IllegalStateException("x"));
    }
    assertTrue(watch.problem().isPresent());
    now = now.plus(Duration.ofMinutes(2)).plusMillis(1);
    assertEquals(Optional.empty(), watch.problem());
  }
}
