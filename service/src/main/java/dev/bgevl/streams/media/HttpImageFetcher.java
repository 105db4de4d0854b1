package dev.bgevl.streams.media;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one {@code http:}/{@code https:} image within the policy: allowed hosts, public addresses
 * only, at most {@value #MAX_REDIRECTS} redirects (each hop checked again), a total deadline and a
 * byte limit. Blocks its calling thread, so it runs on the {@link ImageFetchPool}.
 *
 * <p>DNS rebinding: the addresses are checked here, but {@link HttpClient} resolves the host again
 * when it connects, and {@code java.net.http} refuses a caller-set {@code Host} header, so we
 * cannot connect to the checked address ourselves. The JVM's positive DNS cache ({@code
 * networkaddress.cache.ttl}, 30 s by default) normally answers the second lookup with the first
 * one's addresses; the gap left is a cache expiry between check and connect, or a cache TTL set to
 * 0.
 */
final class HttpImageFetcher {

  static final int MAX_REDIRECTS = 3;

  private static final Logger log = LoggerFactory.getLogger(HttpImageFetcher.class);

  private final ImageSourcePolicy policy;
  private final Function<InetAddress, AddressScope> classifier;
  private final HttpClient client;

  HttpImageFetcher(ImageSourcePolicy policy) {
    this(policy, AddressScope::of);
  }

  /**
   * {@code classifier} replaces {@link AddressScope#of} in tests that pretend loopback is public.
   */
  HttpImageFetcher(ImageSourcePolicy policy, Function<InetAddress, AddressScope> classifier) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.client =
        HttpClient.newBuilder()
            // redirects are followed by hand so that every hop passes the host and address checks
            .followRedirects(HttpClient.Redirect.NEVER)
            // a proxy would connect on our behalf to addresses we never checked
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(policy.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * The body of a 2xx answer, following redirects; throws {@link RejectedInputException} for
   * anything else.
   */
  byte[] fetch(URI uri) {
    long begin = System.nanoTime();
    long deadline = begin + policy.readTimeout().toNanos();
    URI current = uri;
    for (int redirects = 0; ; redirects++) {
      check(current);
      HttpResponse<byte[]> response = send(current, deadline);
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        log.debug(
            "Fetched image uri={} bytes={} redirects={} tookMs={}",
            RedactedUri.of(current),
            response.body().length,
            redirects,
            (System.nanoTime() - begin) / 1_000_000);
        return response.body();
      }
      if (!isRedirect(status)) {
        throw new RejectedInputException(
            DeadLetterReason.URI_FETCH_FAILED,
            "image_uri answered HTTP " + status + ": " + RedactedUri.of(current));
      }
      if (redirects == MAX_REDIRECTS) {
        throw new RejectedInputException(
            DeadLetterReason.URI_FETCH_FAILED,
            "image_uri redirected more than "
                + MAX_REDIRECTS
                + " times, last at "
                + RedactedUri.of(current));
      }
      current = redirectTarget(current, status, response);
      log.debug("Following image redirect status={} to={}", status, RedactedUri.of(current));
    }
  }

  /** Scheme, user info, allowed host and (unless allowed) public addresses; throws URI_REFUSED. */
  void check(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw refused(
          "image_uri scheme '" + scheme + "' is not allowed here: " + RedactedUri.of(uri));
    }
    if (uri.getRawUserInfo() != null) {
      throw refused("image_uri must not carry user info: " + RedactedUri.of(uri));
    }
    if (uri.getHost() == null) {
      throw refused("image_uri has no valid host: " + RedactedUri.of(uri));
    }
    String host = AllowedHosts.normalizeHost(uri.getHost());
    if (!AllowedHosts.matches(policy.allowedHosts(), host)) {
      throw refused("image_uri host '" + host + "' is not in images.http.allowed-hosts");
    }
    if (policy.allowPrivateAddresses()) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new RejectedInputException(
          DeadLetterReason.URI_FETCH_FAILED, "image_uri host '" + host + "' does not resolve");
    }
    // every address, because the client may connect to any of them
    for (InetAddress address : addresses) {
      AddressScope scope = classifier.apply(address);
      if (!scope.isPublic()) {
        throw refused(
            "image_uri host '"
                + host
                + "' resolves to "
                + address.getHostAddress()
                + ", a "
                + scope.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " address (images.http.allow-private-addresses is false)");
      }
    }
  }

  private HttpResponse<byte[]> send(URI uri, long deadline) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw timedOut(uri);
    }
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(uri)
              .GET()
              .timeout(Duration.ofNanos(remaining))
              .header("Accept", "image/*")
              .build();
    } catch (IllegalArgumentException e) {
      throw refused("image_uri cannot be requested: " + RedactedUri.of(uri));
    }
    String logged = RedactedUri.of(uri);
    // sendAsync and a bounded get: the request timeout stops at the headers, the body needs a
    // deadline too
    CompletableFuture<HttpResponse<byte[]>> response =
        client.sendAsync(request, info -> bodyFor(info, logged));
    try {
      return response.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      response.cancel(true);
      throw timedOut(uri);
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching " + logged, e);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), uri);
    }
  }

  private HttpResponse.BodySubscriber<byte[]> bodyFor(HttpResponse.ResponseInfo info, String uri) {
    int status = info.statusCode();
    if (status < 200 || status >= 300) {
      return LimitedBodySubscriber.skipping();
    }
    long length = contentLength(info);
    if (length > policy.maxBytes()) {
      return LimitedBodySubscriber.refusing(
          new RejectedInputException(
              DeadLetterReason.IMAGE_TOO_LARGE,
              "image at "
                  + uri
                  + " is "
                  + length
                  + " bytes, above the limit of "
                  + policy.maxBytes()));
    }
    return LimitedBodySubscriber.upTo(policy.maxBytes(), length, uri);
  }

  private static long contentLength(HttpResponse.ResponseInfo info) {
    try {
      OptionalLong length = info.headers().firstValueAsLong("content-length");
      return length.orElse(-1);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private RuntimeException translate(Throwable error, URI uri) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RejectedInputException rejected) {
        return rejected;
      }
      if (t instanceof HttpTimeoutException) {
        return timedOut(uri);
      }
    }
    if (error instanceof IOException || error != null && error.getCause() instanceof IOException) {
      return new RejectedInputException(
          DeadLetterReason.URI_FETCH_FAILED,
          "image_uri could not be fetched: " + RedactedUri.of(uri) + ": " + error);
    }
    return error instanceof RuntimeException r ? r : new IllegalStateException(error);
  }

  private URI redirectTarget(URI from, int status, HttpResponse<?> response) {
    String location =
        response
            .headers()
            .firstValue("location")
            .orElseThrow(
                () ->
                    new RejectedInputException(
                        DeadLetterReason.URI_FETCH_FAILED,
                        "image_uri answered HTTP "
                            + status
                            + " without a Location: "
                            + RedactedUri.of(from)));
    try {
      return from.resolve(new URI(location));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw refused("image_uri redirected to an invalid URI from " + RedactedUri.of(from));
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private RejectedInputException timedOut(URI uri) {
    return new RejectedInputException(
        DeadLetterReason.URI_FETCH_FAILED,
        "image_uri fetch timed out after "
            + policy.readTimeout().toMillis()
            + " ms: "
            + RedactedUri.of(uri));
  }

  private static RejectedInputException refused(String message) {
    return new RejectedInputException(DeadLetterReason.URI_REFUSED, message);
  }
}
