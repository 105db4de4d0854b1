package dev.bgevl.streams.milvus;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every Milvus call: retries transient failures with bounded exponential backoff and jitter,
 * and turns every failure into {@link MilvusUnavailableException} (transient) or {@link
 * MilvusRequestException} (permanent). The SDK's own retries must be off ({@link MilvusConnector}
 * does that), or the two would multiply.
 */
final class MilvusCallExecutor {

  private static final Logger log = LoggerFactory.getLogger(MilvusCallExecutor.class);

  /** Waits between attempts; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration delay) throws InterruptedException;
  }

  private final MilvusConfig.RetryPolicy policy;
  private final Sleeper sleeper;
  private final DoubleSupplier jitter;

  MilvusCallExecutor(MilvusConfig.RetryPolicy policy) {
    this(
        policy,
        delay -> Thread.sleep(delay.toMillis()),
        () -> ThreadLocalRandom.current().nextDouble(0.5, 1.0));
  }

  MilvusCallExecutor(MilvusConfig.RetryPolicy policy, Sleeper sleeper, DoubleSupplier jitter) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
  }

  /**
   * Runs {@code call}, named {@code operation} in logs and errors, retrying while it fails
   * transiently.
   *
   * @throws MilvusUnavailableException when the last allowed attempt failed transiently
   * @throws MilvusRequestException when Milvus refused the request, or answered nothing
   */
  <T> T call(String operation, Supplier<T> call) {
    return call(operation, call, null);
  }

  /**
   * As {@link #call(String, Supplier)}, but gives up before a retry delay would end past {@code
   * deadline} (null: no deadline), so a caller with a deadline hears "unavailable" while it can
   * still answer.
   */
  <T> T call(String operation, Supplier<T> call, Instant deadline) {
    for (int attempt = 1; ; attempt++) {
      try {
        T result = call.get();
        if (result == null) {
          throw new MilvusRequestException(operation, -1, "Milvus returned no response", null);
        }
        return result;
      } catch (MilvusRequestException e) {
        throw e;
      } catch (RuntimeException e) {
        if (!isTransient(e)) {
          throw permanent(operation, e);
        }
        if (attempt >= policy.maxAttempts()) {
          throw new MilvusUnavailableException(operation, attempt, e);
        }
        Duration delay = policy.delayAfter(attempt, jitter.getAsDouble());
        if (deadline != null && Instant.now().plus(delay).isAfter(deadline)) {
          throw new MilvusUnavailableException(operation, attempt, e);
        }
        log.warn(
            "Milvus call failed, retrying op={} attempt={} nextDelayMs={} reason={}",
            operation,
            attempt,
            delay.toMillis(),
            reason(e));
        try {
          sleeper.sleep(delay);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new MilvusUnavailableException(operation, attempt, e);
        }
      }
    }
  }

  /** Runs a call that answers nothing worth returning. */
  void run(String operation, Runnable call) {
    call(
        operation,
        () -> {
          call.run();
          return Boolean.TRUE;
        });
  }

  /**
   * The one place that decides whether a failure is transient: Milvus unreachable (connection
   * refused, gRPC {@code UNAVAILABLE}) or too slow ({@code DEADLINE_EXCEEDED}, the SDK's {@code
   * TIMEOUT}). Everything else is permanent.
   */
  static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
      if (t instanceof MilvusClientException milvus && milvus.getErrorCode() == ErrorCode.TIMEOUT) {
        return true;
      }
      Status.Code code = grpcCode(t);
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        return true;
      }
    }
    return false;
  }

  static String reason(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = failure.getClass().getSimpleName() + ": " + failure.getMessage();
    if (root == failure || (root.getMessage() != null && top.contains(root.getMessage()))) {
      return top;
    }
    return top + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  private static RuntimeException permanent(String operation, RuntimeException e) {
    if (e instanceof MilvusClientException milvus && undecodableStatus(milvus)) {
      return new MilvusRequestException(
          operation,
          -1,
          "Milvus refused the request with an error code this SDK cannot decode"
              + " (Milvus Lite's legacy codes do this); the reason is in the server log",
          e);
    }
    if (e instanceof MilvusClientException milvus) {
      int code =
          milvus.getServerErrCode() != 0
              ? milvus.getServerErrCode()
              : milvus.getErrorCode().getCode();
      return new MilvusRequestException(operation, code, String.valueOf(milvus.getMessage()), e);
    }
    Status.Code grpc = grpcCode(e);
    if (grpc != null) {
      return new MilvusRequestException(
          operation, grpc.value(), "gRPC " + grpc + ": " + e.getMessage(), e);
    }
    if (e instanceof IllegalArgumentException) {
      // the SDK validates requests (vector dimension, field types) on the client side with these
      return new MilvusRequestException(operation, -1, String.valueOf(e.getMessage()), e);
    }
    return e; // a bug, not a Milvus answer: let it surface as thrown
  }

  /**
   * SDK 2.6 throws {@code IllegalArgumentException("Can't get the number of an unknown enum
   * value.")} from its own status check when a server (Milvus Lite) sends a legacy error code it
   * does not know, losing the server's reason.
   */
  private static boolean undecodableStatus(MilvusClientException e) {
    return e.getCause() instanceof IllegalArgumentException cause
        && cause.getMessage() != null
        && cause.getMessage().contains("unknown enum value");
  }

  private static Status.Code grpcCode(Throwable t) {
    if (t instanceof StatusRuntimeException s) {
      return s.getStatus().getCode();
    }
    if (t instanceof StatusException s) {
      return s.getStatus().getCode();
    }
    return null;
  }
}
