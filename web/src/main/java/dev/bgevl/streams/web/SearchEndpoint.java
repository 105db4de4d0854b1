package dev.bgevl.streams.web;

import com.sun.net.httpserver.HttpExchange;
import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/search}: the page's form as a retrieval request on the request topic, answered
 * by its correlated reply, so the page shows exactly what a Kafka client would get. HTTP status 200
 * means "a reply came", whatever its status (a search past its deadline is the service's
 * DEADLINE_EXCEEDED); 400 a body that is no search; 413 a body above the record limit; 504 no reply
 * at all (the service is down or not reading the request topic).
 */
final class SearchEndpoint {
  private static final Logger log = LoggerFactory.getLogger(SearchEndpoint.class);

  /** How long past the request's deadline the page still waits for the service's own answer. */
  private static final Duration REPLY_GRACE = Duration.ofSeconds(2);

  private final RetrievalClient client;
  private final Duration timeout;
  private final long maxBodyBytes;
  private final Clock clock;

  /**
   * @param maxBodyBytes the largest body accepted: the record limit as base64 JSON
   */
  SearchEndpoint(RetrievalClient client, Duration timeout, long maxBodyBytes, Clock clock) {
    this.client = client;
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  WebResponse post(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
    }
    if (body.length > maxBodyBytes) {
      return WebResponse.error(
          413, "INVALID_REQUEST", "the search is larger than " + maxBodyBytes + " bytes");
    }
    RetrievalRequest request;
    try {
      request =
          SearchJson.request(body, "page-" + UUID.randomUUID(), clock.instant().plus(timeout));
    } catch (SearchJson.BadSearchException e) {
      log.info("Search page request refused error={}", e.getMessage());
      return WebResponse.error(400, "INVALID_REQUEST", e.getMessage());
    }
    long start = System.nanoTime();
    try {
      // the service answers DEADLINE_EXCEEDED at the deadline: wait a little longer to show it
      RetrievalReply reply = client.query(request, timeout.plus(REPLY_GRACE));
      return WebResponse.json(
          200, SearchJson.reply(reply, (System.nanoTime() - start) / 1_000_000));
    } catch (TimeoutException e) {
      log.warn("Search page request got no reply requestId={}", request.getRequestId());
      return WebResponse.error(504, "TIMEOUT", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return WebResponse.error(503, "UNAVAILABLE", "the service is stopping");
    } catch (IllegalStateException e) {
      // the request could not be sent (the broker refused it)
      log.warn(
          "Search page request failed requestId={} error={}",
          request.getRequestId(),
          e.getMessage());
      return WebResponse.error(502, "UNAVAILABLE", e.getMessage());
    }
  }
}
