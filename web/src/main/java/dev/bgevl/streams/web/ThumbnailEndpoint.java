package dev.bgevl.streams.web;

import com.sun.net.httpserver.HttpExchange;
import dev.bgevl.streams.thumbnails.ThumbnailLookup;
import dev.bgevl.streams.thumbnails.ThumbnailReader;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /thumbnails/<id>}: the JPEG when this instance owns the id's partition, else the
 * owner's answer, fetched once on the caller's behalf. A forwarded request is answered locally
 * only, so a stale view of the owners can cost one hop but never a loop.
 */
final class ThumbnailEndpoint {
  private static final Logger log = LoggerFactory.getLogger(ThumbnailEndpoint.class);

  static final String PREFIX = "/thumbnails/";
  static final String FORWARDED = "X-Bgevl-Forwarded";
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(3);

  private final ThumbnailReader reader;
  private final HttpClient peers;

  ThumbnailEndpoint(ThumbnailReader reader, HttpClient peers) {
    this.reader = reader;
    this.peers = peers;
  }

  WebResponse get(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawPath();
    String id;
    try {
      // decoded from the raw path so an id holding '/' or '%' survives (the page encodes each id)
      id = URI.create(raw.substring(PREFIX.length() - 1)).getPath().substring(1);
    } catch (IllegalArgumentException malformed) {
      return WebResponse.error(400, "INVALID_REQUEST", "the id is not percent-encoded");
    }
    if (id.isEmpty()) {
      return WebResponse.error(404, "NOT_FOUND", "no media id in the path");
    }
    boolean forwarded = exchange.getRequestHeaders().containsKey(FORWARDED);
    ThumbnailLookup lookup = reader.find(id);
    if (lookup instanceof ThumbnailLookup.Found found) {
      return image(found.jpeg(), exchange);
    }
    if (lookup instanceof ThumbnailLookup.Elsewhere owner) {
      return forwarded
          ? retryLater("the id's partition moved during the request")
          : fromOwner(owner, id);
    }
    if (lookup instanceof ThumbnailLookup.Unavailable unavailable) {
      return retryLater(unavailable.reason());
    }
    return WebResponse.error(404, "NOT_FOUND", "no thumbnail for this id");
  }

  private static WebResponse image(byte[] jpeg, HttpExchange exchange) {
    String etag = "\"" + digest(jpeg) + "\"";
    // ids keep their key when re-indexed with a new image: revalidate, but cheaply
    WebResponse ok =
        new WebResponse(200, "image/jpeg", jpeg, Map.of("Cache-Control", "no-cache", "ETag", etag));
    if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      return new WebResponse(304, "image/jpeg", new byte[0], ok.headers());
    }
    return ok;
  }

  private WebResponse fromOwner(ThumbnailLookup.Elsewhere owner, String id) {
    URI uri =
        URI.create(
            "http://"
                + owner.host()
                + ":"
                + owner.port()
                + PREFIX
                + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(PEER_TIMEOUT).header(FORWARDED, "1").GET().build();
    try {
      HttpResponse<byte[]> answer = peers.send(request, HttpResponse.BodyHandlers.ofByteArray());
      String type = answer.headers().firstValue("Content-Type").orElse("application/octet-stream");
      WebResponse relayed = new WebResponse(answer.statusCode(), type, answer.body(), Map.of());
      for (String header : new String[] {"ETag", "Cache-Control", "Retry-After"}) {
        var value = answer.headers().firstValue(header);
        if (value.isPresent()) {
          relayed = relayed.withHeader(header, value.get());
        }
      }
      return relayed;
    } catch (IOException e) {
      log.warn(
          "Thumbnail owner unreachable owner={}:{} error={}",
          owner.host(),
          owner.port(),
          e.toString());
      return retryLater("the instance that holds this thumbnail is unreachable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return retryLater("interrupted");
    }
  }

  private static WebResponse retryLater(String why) {
    return WebResponse.error(503, "UNAVAILABLE", why).withHeader("Retry-After", "1");
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
