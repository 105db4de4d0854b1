package dev.bgevl.streams.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MilvusCallExecutorTest {

  private final List<Duration> sleeps = new ArrayList<>();
  private final MilvusCallExecutor executor =
      new MilvusCallExecutor(
          new MilvusConfig.RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(300)),
          sleeps::add,
          () -> 1.0);

  private static RuntimeException unavailable() {
    return new MilvusClientException(
        ErrorCode.RPC_ERROR,
        Status.UNAVAILABLE
            .withDescription("io exception")
            .withCause(new ConnectException("Connection refused"))
            .asRuntimeException());
  }

  @Test
  void shouldClassifyUnreachableAndSlowMilvusAsTransient() {
    assertTrue(MilvusCallExecutor.isTransient(unavailable()));
    assertTrue(MilvusCallExecutor.isTransient(Status.DEADLINE_EXCEEDED.asRuntimeException()));
    assertTrue(
        MilvusCallExecutor.isTransient(new MilvusClientException(ErrorCode.TIMEOUT, "timed out")));
    assertTrue(
        MilvusCallExecutor.isTransient(new RuntimeException(new ConnectException("refused"))));
  }

  @Test
  void shouldClassifyRefusedRequestsAsPermanent() {
    assertFalse(
        MilvusCallExecutor.isTransient(
            new MilvusClientException(ErrorCode.SERVER_ERROR, "bad", 1100, 5)));
    assertFalse(
        MilvusCallExecutor.isTransient(
            new MilvusClientException(ErrorCode.INVALID_PARAMS, "dim mismatch")));
    assertFalse(MilvusCallExecutor.isTransient(Status.INVALID_ARGUMENT.asRuntimeException()));
    assertFalse(MilvusCallExecutor.isTransient(new IllegalArgumentException("x")));
  }

  @Test
  void shouldRetryTransientFailuresWithBoundedBackoffThenSucceed() {
    AtomicInteger calls = new AtomicInteger();

    String result =
        executor.call(
            "search",
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw unavailable();
              }
              return "ok";
            });

    assertEquals("ok", result);
    assertEquals(4, calls.get());
    assertEquals(
        List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300)), sleeps);
  }

  @Test
  void shouldThrowUnavailableAfterTheLastAttempt() {
    AtomicInteger calls = new AtomicInteger();

    MilvusUnavailableException e =
        assertThrows(
            MilvusUnavailableException.class,
            () ->
                executor.call(
                    "upsert",
                    () -> {
                      calls.incrementAndGet();
                      throw unavailable();
                    }));

    assertEquals(4, calls.get());
    assertEquals(4, e.attempts());
    assertEquals("upsert", e.operation());
    assertEquals(3, sleeps.size());
    assertTrue(
        e.getMessage().startsWith("Milvus unavailable op=upsert attempts=4"), e.getMessage());
    assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
  }

  @Test
  void shouldNotRetryPermanentFailuresAndKeepMilvusCode() {
    AtomicInteger calls = new AtomicInteger();

    MilvusRequestException e =
        assertThrows(
            MilvusRequestException.class,
            () ->
                executor.call(
                    "upsert",
                    () -> {
                      calls.incrementAndGet();
                      throw new MilvusClientException(
                          ErrorCode.SERVER_ERROR, "collection not found", 100, 4);
                    }));

    assertEquals(1, calls.get());
    assertEquals(100, e.code());
    assertTrue(e.getMessage().contains("collection not found"));
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void shouldExplainAStatusTheSdkCannotDecode() {
    MilvusRequestException e =
        assertThrows(
            MilvusRequestException.class,
            () ->
                executor.call(
                    "search",
                    () -> {
                      throw new MilvusClientException(
                          ErrorCode.CLIENT_ERROR,
                          new IllegalArgumentException(
                              "Can't get the number of an unknown enum value."));
                    }));

    assertTrue(e.getMessage().contains("cannot decode"), e.getMessage());
  }

  @Test
  void shouldLetBugsThroughUnchanged() {
    IllegalStateException bug = new IllegalStateException("bug");

    assertSame(
        bug,
        assertThrows(
            IllegalStateException.class,
            () ->
                executor.call(
                    "search",
                    () -> {
                      throw bug;
                    })));
  }

  @Test
  void shouldTreatANullResponseAsRefused() {
    assertThrows(MilvusRequestException.class, () -> executor.call("count", () -> null));
  }

  @Test
  void shouldStopRetryingWhenInterrupted() {
    MilvusCallExecutor interrupted =
        new MilvusCallExecutor(
            MilvusConfig.RetryPolicy.DEFAULT,
            delay -> {
              throw new InterruptedException();
            },
            () -> 1.0);

    MilvusUnavailableException e =
        assertThrows(
            MilvusUnavailableException.class,
            () ->
                interrupted.call(
                    "upsert",
                    () -> {
                      throw unavailable();
                    }));

    assertEquals(1, e.attempts());
    assertTrue(Thread.interrupted());
  }
}
