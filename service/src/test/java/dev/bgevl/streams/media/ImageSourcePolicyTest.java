package dev.bgevl.streams.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageSourcePolicyTest {

  private static final ImageSourcePolicy DEFAULTS =
      ImageSourcePolicy.defaults(Optional.empty(), 1024);

  @Test
  void shouldDefaultToHttpOffWithDocumentedTimeoutsAndPool() {
    assertFalse(DEFAULTS.httpEnabled());
    assertEquals(Set.of(), DEFAULTS.allowedHosts());
    assertEquals(Duration.ofSeconds(2), DEFAULTS.connectTimeout());
    assertEquals(Duration.ofSeconds(5), DEFAULTS.readTimeout());
    assertFalse(DEFAULTS.allowPrivateAddresses());
    assertEquals(4, DEFAULTS.fetchThreads());
    assertEquals(DEFAULTS, new ImageSourcePolicy(Optional.empty(), 1024));
  }

  @Test
  void shouldNormalizeFileRootAndAllowedHosts() {
    ImageSourcePolicy policy =
        new ImageSourcePolicy(Optional.of(Path.of("a/../b")), 1024)
            .withAllowedHosts(Set.of("Images.Example.COM.", "*.CDN.example.com", "[::1]"));

    assertEquals(Path.of("b").toAbsolutePath(), policy.fileRoot().orElseThrow());
    assertEquals(Set.of("images.example.com", "*.cdn.example.com", "::1"), policy.allowedHosts());
    assertTrue(policy.httpEnabled());
  }

  @Test
  void shouldNameTheConfigKeyOfEveryInvalidValue() {
    assertMessage("encoder.image.max-bytes", () -> DEFAULTS.withMaxBytes(0));
    assertMessage(
        "images.http.connect-timeout-ms",
        () -> DEFAULTS.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
    assertMessage(
        "images.http.read-timeout-ms",
        () -> DEFAULTS.withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(-1)));
    assertMessage("images.fetch-threads", () -> DEFAULTS.withFetchThreads(0));
    assertMessage("images.http.allowed-hosts", () -> DEFAULTS.withAllowedHosts(Set.of("*")));
    assertMessage(
        "images.http.allowed-hosts", () -> DEFAULTS.withAllowedHosts(Set.of("img.*.example.com")));
    assertMessage("images.http.allowed-hosts", () -> DEFAULTS.withAllowedHosts(Set.of(" ")));
    assertMessage("images.http.allowed-hosts", () -> DEFAULTS.withAllowedHosts(Set.of("*.")));
    assertMessage(
        "images.http.allowed-hosts", () -> DEFAULTS.withAllowedHosts(Set.of("example.com/images")));
  }

  private static void assertMessage(String key, Runnable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
