package dev.bgevl.streams.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops HTTP endpoints on the JDK's {@link HttpServer}, served by two daemon threads: {@code GET
 * /metrics} (Prometheus text 0.0.4), {@code GET /health/live} (200 while the process serves) and
 * {@code GET /health/ready} (200 when every readiness check passes, else 503 with a JSON body
 * naming the failing checks). Any other path is 404, any other method 405. A disabled config binds
 * nothing and {@link #port} is -1. {@link #close} stops it within a second.
 */
public final class OpsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
  private static final String JSON = "application/json";

  private final HttpServer server;
  private final ExecutorService executor;
  private final ServiceMetrics metrics;
  private final HealthChecks health;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpsServer(
      HttpServer server, ExecutorService executor, ServiceMetrics metrics, HealthChecks health) {
    this.server = server;
    this.executor = executor;
    this.metrics = metrics;
    this.health = health;
  }

  /**
   * Binds {@code config.port()} on all interfaces and serves; returns an inert server when the
   * config is disabled.
   */
  public static OpsServer start(OpsConfig config, ServiceMetrics metrics, HealthChecks health) {
    if (!config.enabled()) {
      log.info("Ops server disabled");
      return new OpsServer(null, null, metrics, health);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(config.port()), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bind the ops server to --ops.port " + config.port(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(2, daemonThreads());
    OpsServer ops = new OpsServer(server, executor, metrics, health);
    server.createContext("/", ops::handle);
    server.setExecutor(executor);
    server.start();
    log.info("Ops server started port={}", ops.port());
    return ops;
  }

  /** The bound port (the chosen one when started with 0), or -1 when disabled. */
  public int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Response response;
      try {
        response = respond(method, path);
      } catch (RuntimeException e) {
        log.warn("Ops request failed path={} error={}", path, e.toString());
        response = new Response(500, JSON, "{\"error\":\"internal\"}");
      }
      if (response.status() == 405) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      }
      send(exchange, response, method.equals("HEAD"));
    }
  }

  private Response respond(String method, String path) {
    boolean known =
        path.equals("/metrics") || path.equals("/health/live") || path.equals("/health/ready");
    if (!known) {
      return new Response(404, JSON, "{\"error\":\"not found\"}");
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return new Response(405, JSON, "{\"error\":\"method not allowed\"}");
    }
    return switch (path) {
      case "/metrics" -> new Response(200, PrometheusWriter.CONTENT_TYPE, metrics.scrape());
      case "/health/live" -> new Response(200, JSON, "{\"status\":\"UP\"}");
      default -> readiness();
    };
  }

  private Response readiness() {
    HealthChecks.Readiness readiness = health.check();
    if (readiness.ready()) {
      return new Response(200, JSON, "{\"status\":\"UP\"}");
    }
    StringBuilder body = new StringBuilder("{\"status\":\"DOWN\",\"failing\":[");
    for (int i = 0; i < readiness.failing().size(); i++) {
      body.append(i == 0 ? "" : ",")
          .append('"')
          .append(jsonEscape(readiness.failing().get(i)))
          .append('"');
    }
    return new Response(503, JSON, body.append("]}").toString());
  }

  private static void send(HttpExchange exchange, Response response, boolean head)
      throws IOException {
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (head) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static String jsonEscape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "ops-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Stops serving at once (idempotent): in-flight exchanges are cut, the threads are given a second
   * to end.
   */
  @Override
  public void close() {
    if (server == null || !closed.compareAndSet(false, true)) {
      return;
    }
    long begin = System.nanoTime();
    server.stop(0);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
        log.warn("Ops server threads still running after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Ops server closed tookMs={}", (System.nanoTime() - begin) / 1_000_000);
  }

  /** What one request gets. */
  private record Response(int status, String contentType, String body) {}
}
