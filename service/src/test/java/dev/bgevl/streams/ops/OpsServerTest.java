package dev.bgevl.streams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.failure.DeadLetterReason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Talks real HTTP to a server on an ephemeral port. */
class OpsServerTest {
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final HealthChecks health = new HealthChecks();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private OpsServer server;

  @BeforeEach
  void start() {
    server = OpsServer.start(new OpsConfig(0), metrics, health);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send("GET", path);
  }

  @Test
  void shouldServeCountersAsPrometheusText() throws Exception {
    metrics.ingestEventIn();
    metrics.ingestEventIn();
    metrics.deadLetter(DeadLetterReason.ID_MISMATCH);
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(
        response
            .headers()
            .firstValue("Content-Type")
            .orElseThrow()
            .startsWith("text/plain; version=0.0.4"));
    assertTrue(response.body().contains("bgevl_ingest_events_in_total 2\n"), response.body());
    assertTrue(
        response.body().contains("bgevl_dead_letters_total{reason=\"ID_MISMATCH\"} 1\n"),
        response.body());
  }

  @Test
  void shouldAnswerLiveWith200() throws Exception {
    health.pending("model loaded");
    HttpResponse<String> response = get("/health/live");
    assertEquals(200, response.statusCode());
    assertEquals("{\"status\":\"UP\"}", response.body());
  }

  @Test
  void shouldFlipReadyFrom503To200AndNameFailingCheck() throws Exception {
    AtomicBoolean running = new AtomicBoolean(false);
    health.register("model loaded", () -> true);
    health.register("query streams RUNNING", running::get);
    HttpResponse<String> down = get("/health/ready");
    assertEquals(503, down.statusCode());
    assertEquals("{\"status\":\"DOWN\",\"failing\":[\"query streams RUNNING\"]}", down.body());
    assertTrue(
        down.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    running.set(true);
    HttpResponse<String> up = get("/health/ready");
    assertEquals(200, up.statusCode());
    assertEquals("{\"status\":\"UP\"}", up.body());
  }

  @Test
  void shouldAnswer404ForUnknownPaths() throws Exception {
    assertEquals(404, get("/").statusCode());
    assertEquals(404, get("/metricsx").statusCode());
    assertEquals(404, get("/health").statusCode());
    assertEquals(404, get("/health/ready/x").statusCode());
  }

  @Test
  void shouldAnswer405ToOtherMethods() throws Exception {
    HttpResponse<String> response = send("POST", "/metrics");
    assertEquals(405, response.statusCode());
    assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void shouldAnswerHeadWithoutBody() throws Exception {
    HttpResponse<String> response = send("HEAD", "/health/live");
    assertEquals(200, response.statusCode());
    assertEquals("", response.body());
  }

  @Test
  void shouldCloseWithinASecondAndFreeThePort() throws Exception {
    assertEquals(200, get("/health/live").statusCode());
    long begin = System.nanoTime();
    server.close();
    assertTrue(System.nanoTime() - begin < 1_000_000_000L, "close took too long");
    assertThrows(ConnectException.class, () -> get("/health/live"));
    server.close();
  }

  @Test
  void shouldBindNothingWhenDisabled() {
    try (OpsServer off = OpsServer.start(OpsConfig.DISABLED, metrics, health)) {
      assertEquals(-1, off.port());
    }
  }

  @Test
  void shouldRejectPortOutOfRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new OpsConfig(-2));
    assertTrue(e.getMessage().contains("--ops.port"));
    assertThrows(IllegalArgumentException.class, () -> new OpsConfig(65_536));
  }

  @Test
  void shouldEscapeCheckNamesInJson() {
    assertEquals("a\\\"b\\\\c\\u000a", OpsServer.jsonEscape("a\"b\\c\n"));
  }
}
