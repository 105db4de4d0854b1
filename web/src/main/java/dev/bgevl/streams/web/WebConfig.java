package dev.bgevl.streams.web;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the search page listens and how the instances find each other.
 *
 * @param port {@code web.port}: -1 turns the page and the thumbnail endpoint off, 0 takes any free
 *     port
 * @param advertisedHost {@code web.advertised-host}: the name other instances reach this one by,
 *     for thumbnails whose partition lives here (Streams' {@code application.server})
 * @param searchTimeout {@code web.search-timeout-ms}: how long the page waits for a reply
 */
public record WebConfig(int port, String advertisedHost, Duration searchTimeout) {

  /**
   * Not the ops port (8080), which stays for probes and scrapes, nor 8081, where a Schema Registry
   * usually listens (docker-compose.yml publishes one there).
   */
  public static final int DEFAULT_PORT = 8088;

  public static final WebConfig DEFAULT =
      new WebConfig(DEFAULT_PORT, "localhost", Duration.ofSeconds(10));

  public static final WebConfig DISABLED = new WebConfig(-1, "localhost", Duration.ofSeconds(10));

  public WebConfig {
    if (port < -1 || port > 65_535) {
      throw new IllegalArgumentException(
          "--web.port must be -1 (off), 0 (any free port) or 1..65535, got " + port);
    }
    Objects.requireNonNull(advertisedHost, "web.advertised-host");
    if (advertisedHost.isBlank()
        || advertisedHost.contains(":") && !advertisedHost.startsWith("[")) {
      throw new IllegalArgumentException(
          "--web.advertised-host must be a host name or address without a port, got '"
              + advertisedHost
              + "'");
    }
    Objects.requireNonNull(searchTimeout, "web.search-timeout-ms");
    if (searchTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "--web.search-timeout-ms must be >= 1, got " + searchTimeout.toMillis());
    }
  }

  public boolean enabled() {
    return port >= 0;
  }
}
