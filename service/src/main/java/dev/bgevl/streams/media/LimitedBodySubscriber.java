package dev.bgevl.streams.media;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a byte limit and cancels the subscription (which closes the
 * connection) the moment the body goes past it, so a huge or endless chunked body is never read to
 * its end.
 */
final class LimitedBodySubscriber implements BodySubscriber<byte[]> {

  private final long maxBytes;
  private final String uri;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final ByteArrayOutputStream bytes;
  private final RejectedInputException refuseAtOnce;
  private Flow.Subscription subscription;
  private long received;

  private LimitedBodySubscriber(
      long maxBytes, String uri, long expected, RejectedInputException refuseAtOnce) {
    this.maxBytes = maxBytes;
    this.uri = uri;
    this.refuseAtOnce = refuseAtOnce;
    this.bytes =
        new ByteArrayOutputStream(
            (int) Math.max(0, Math.min(expected, Math.min(maxBytes, 1 << 20))));
  }

  /**
   * Reads at most {@code maxBytes}; {@code expected} (Content-Length, or -1) only sizes the buffer.
   */
  static LimitedBodySubscriber upTo(long maxBytes, long expected, String uri) {
    return new LimitedBodySubscriber(maxBytes, uri, expected, null);
  }

  /** Reads nothing and fails with {@code error}: the headers already said the body is unwanted. */
  static LimitedBodySubscriber refusing(RejectedInputException error) {
    return new LimitedBodySubscriber(0, "", 0, error);
  }

  /**
   * Reads nothing and completes with an empty body: redirects and error statuses need only their
   * headers.
   */
  static LimitedBodySubscriber skipping() {
    return new LimitedBodySubscriber(0, "", 0, null);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (refuseAtOnce != null) {
      s.cancel();
      body.completeExceptionally(refuseAtOnce);
    } else if (maxBytes == 0) {
      s.cancel();
      body.complete(new byte[0]);
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      received += buffer.remaining();
      if (received > maxBytes) {
        subscription.cancel();
        body.completeExceptionally(
            new RejectedInputException(
                DeadLetterReason.IMAGE_TOO_LARGE,
                "image at " + uri + " is above the limit of " + maxBytes + " bytes"));
        return;
      }
      byte[] chunk = new byte[buffer.remaining()];
      buffer.get(chunk);
      bytes.write(chunk, 0, chunk.length);
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    body.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    body.complete(bytes.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }
}
