package dev.bgevl.streams.media;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What image URIs may be read, and how long and how big a read may be.
 *
 * @param fileRoot {@code file:} URIs are read only below this folder ({@code images.file-root});
 *     empty refuses every {@code file:} URI
 * @param maxBytes largest image read, file or HTTP body ({@code encoder.image.max-bytes})
 * @param allowedHosts hosts {@code http:}/{@code https:} URIs may name, each an exact host name or
 *     IP literal, or a {@code *.example.com} pattern matching any name below {@code example.com}
 *     ({@code images.http.allowed-hosts}); empty refuses every HTTP URI
 * @param connectTimeout longest a TCP/TLS connect may take ({@code images.http.connect-timeout-ms})
 * @param readTimeout total deadline of one fetch, redirects and body included ({@code
 *     images.http.read-timeout-ms})
 * @param allowPrivateAddresses whether a host may resolve to a loopback, private, link-local or
 *     other non-public address ({@code images.http.allow-private-addresses}); for tests and closed
 *     networks only
 * @param fetchThreads threads fetching HTTP images at once ({@code images.fetch-threads})
 */
public record ImageSourcePolicy(
    Optional<Path> fileRoot,
    long maxBytes,
    Set<String> allowedHosts,
    Duration connectTimeout,
    Duration readTimeout,
    boolean allowPrivateAddresses,
    int fetchThreads) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_FETCH_THREADS = 4;

  public ImageSourcePolicy {
    Objects.requireNonNull(fileRoot, "images.file-root");
    fileRoot = fileRoot.map(p -> p.toAbsolutePath().normalize());
    if (maxBytes <= 0) {
      throw new IllegalArgumentException(
          "encoder.image.max-bytes must be positive, got " + maxBytes);
    }
    Objects.requireNonNull(allowedHosts, "images.http.allowed-hosts");
    allowedHosts =
        allowedHosts.stream()
            .map(AllowedHosts::normalizeEntry)
            .collect(Collectors.toUnmodifiableSet());
    requirePositive(connectTimeout, "images.http.connect-timeout-ms");
    requirePositive(readTimeout, "images.http.read-timeout-ms");
    if (fetchThreads <= 0) {
      throw new IllegalArgumentException(
          "images.fetch-threads must be positive, got " + fetchThreads);
    }
  }

  /** HTTP refused, default timeouts and pool: what a service without HTTP flags runs. */
  public ImageSourcePolicy(Optional<Path> fileRoot, long maxBytes) {
    this(
        fileRoot,
        maxBytes,
        Set.of(),
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        false,
        DEFAULT_FETCH_THREADS);
  }

  /**
   * The defaults for everything but the file root and byte limit; same as the two-argument
   * constructor.
   */
  public static ImageSourcePolicy defaults(Optional<Path> fileRoot, long maxBytes) {
    return new ImageSourcePolicy(fileRoot, maxBytes);
  }

  public ImageSourcePolicy withAllowedHosts(Set<String> hosts) {
    return new ImageSourcePolicy(
        fileRoot,
        maxBytes,
        hosts,
        connectTimeout,
        readTimeout,
        allowPrivateAddresses,
        fetchThreads);
  }

  public ImageSourcePolicy withTimeouts(Duration connect, Duration read) {
    return new ImageSourcePolicy(
        fileRoot, maxBytes, allowedHosts, connect, read, allowPrivateAddresses, fetchThreads);
  }

  public ImageSourcePolicy withAllowPrivateAddresses(boolean allow) {
    return new ImageSourcePolicy(
        fileRoot, maxBytes, allowedHosts, connectTimeout, readTimeout, allow, fetchThreads);
  }

  public ImageSourcePolicy withFetchThreads(int threads) {
    return new ImageSourcePolicy(
        fileRoot,
        maxBytes,
        allowedHosts,
        connectTimeout,
        readTimeout,
        allowPrivateAddresses,
        threads);
  }

  public ImageSourcePolicy withMaxBytes(long bytes) {
    return new ImageSourcePolicy(
        fileRoot,
        bytes,
        allowedHosts,
        connectTimeout,
        readTimeout,
        allowPrivateAddresses,
        fetchThreads);
  }

  /** Whether any {@code http:}/{@code https:} URI can pass. */
  public boolean httpEnabled() {
    return !allowedHosts.isEmpty();
  }

  private static void requirePositive(Duration d, String key) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          key + " must be positive, got " + (d == null ? null : d.toMillis()));
    }
  }
}
