package dev.bgevl.streams.schemas.serde;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to reach a Confluent-compatible schema registry over REST.
 *
 * @param url base URL, {@code http} or {@code https}, e.g. {@code http://localhost:8081}
 * @param connectTimeout limit on opening a connection
 * @param requestTimeout limit on one request, answer included
 * @param basicAuth optional {@code user:password} for HTTP basic authentication; never printed
 */
public record SchemaRegistryConfig(
    URI url, Duration connectTimeout, Duration requestTimeout, Optional<String> basicAuth) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public SchemaRegistryConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(basicAuth, "basicAuth");
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "Schema registry url must be an http(s) URL with a host, got '" + url + "'");
    }
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("requestTimeout", requestTimeout);
    // the value is a secret: the message names the expected shape, never what was given
    if (basicAuth.isPresent() && basicAuth.get().indexOf(':') < 1) {
      throw new IllegalArgumentException("Schema registry basicAuth must be 'user:password'");
    }
  }

  /** A registry at {@code url} with default timeouts and no authentication. */
  public static SchemaRegistryConfig of(String url) {
    return new SchemaRegistryConfig(
        URI.create(url), DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Optional.empty());
  }

  /** A copy that authenticates with {@code user:password}. */
  public SchemaRegistryConfig withBasicAuth(String userAndPassword) {
    return new SchemaRegistryConfig(
        url, connectTimeout, requestTimeout, Optional.of(userAndPassword));
  }

  /** A copy with other timeouts. */
  public SchemaRegistryConfig withTimeouts(Duration connect, Duration request) {
    return new SchemaRegistryConfig(url, connect, request, basicAuth);
  }

  @Override
  public String toString() {
    return "SchemaRegistryConfig[url="
        + url
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", basicAuth="
        + basicAuth.map(secret -> "****").orElse("none")
        + "]";
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "Schema registry " + name + " must be positive, got " + value);
    }
  }
}
