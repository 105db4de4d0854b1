package dev.bgevl.streams.query;

import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A validated request waiting in the changelogged {@code query-pending} store for its batch: what
 * the reply needs besides the request itself (key, arrival time, correlation id, reply topic).
 */
record PendingRetrieval(
    String requestId,
    long receivedAt,
    byte[] correlationId,
    String replyTopic,
    RetrievalRequest request) {

  PendingRetrieval {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(replyTopic, "replyTopic");
    Objects.requireNonNull(request, "request");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingRetrieval p
        && requestId.equals(p.requestId)
        && receivedAt == p.receivedAt
        && Arrays.equals(correlationId, p.correlationId)
        && replyTopic.equals(p.replyTopic)
        && request.equals(p.request);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requestId, receivedAt, Arrays.hashCode(correlationId), replyTopic, request);
  }

  @Override
  public String toString() {
    return "PendingRetrieval[requestId=" + requestId + ", receivedAt=" + receivedAt + "]";
  }
}
