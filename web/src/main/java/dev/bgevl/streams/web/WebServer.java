package dev.bgevl.streams.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search page's HTTP server, on its own port and threads rather than the ops port: the ops port
 * answers probes and scrapes and is often kept inside the cluster, while this one faces people, and
 * a slow search must never hold a health probe up. It answers 503 from the moment it is bound (so
 * the port is known before Streams needs it as {@code application.server}, and a visitor during
 * start-up hears why nothing is there yet) and serves the page once {@link #serve} is called.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** Searches wait on the service; enough threads that a few slow ones leave thumbnails flowing. */
  private static final int THREADS = 8;

  private static final Routes STARTING =
      exchange ->
          WebResponse.error(503, "UNAVAILABLE", "the service is starting")
              .withHeader("Retry-After", "2");

  private final HttpServer server;
  private final ExecutorService executor;
  private volatile Routes routes = STARTING;

  private WebServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code config.port()} on all interfaces and answers 503 until {@link #serve}. It starts
   * at once because the JDK's server keeps the port of a server that was bound but never started,
   * even after stop.
   */
  public static WebServer bind(WebConfig config) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("the web server is off (--web.port -1)");
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(config.port()), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bind the search page to --web.port " + config.port(), e);
    }
    WebServer web = new WebServer(server, Executors.newFixedThreadPool(THREADS, daemons()));
    server.createContext("/", exchange -> answer(exchange, web.routes));
    server.setExecutor(web.executor);
    server.start();
    return web;
  }

  /** The bound port (the chosen one under {@code --web.port 0}). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Starts answering: the page, its search call and the thumbnails. */
  void serve(StaticPage page, SearchEndpoint search, ThumbnailEndpoint thumbnails) {
    routes =
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (path.equals("/api/search")) {
            return exchange.getRequestMethod().equals("POST")
                ? search.post(exchange)
                : notAllowed("POST");
          }
          if (!isRead(exchange)) {
            return notAllowed("GET, HEAD");
          }
          if (exchange.getRequestURI().getRawPath().startsWith(ThumbnailEndpoint.PREFIX)) {
            return thumbnails.get(exchange);
          }
          return page.get(path);
        };
    log.info("Search page serving port={}", port());
  }

  private static boolean isRead(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    return method.equals("GET") || method.equals("HEAD");
  }

  private static WebResponse notAllowed(String allowed) {
    return WebResponse.error(405, "INVALID_REQUEST", "method not allowed")
        .withHeader("Allow", allowed);
  }

  /** What answers an exchange; it may read the body and so throw. */
  private interface Routes {
    WebResponse handle(HttpExchange exchange) throws IOException;
  }

  private static void answer(HttpExchange exchange, Routes routes) throws IOException {
    try (exchange) {
      WebResponse response;
      try {
        response = routes.handle(exchange);
      } catch (RuntimeException e) {
        log.warn(
            "Search page request failed path={} error={}",
            exchange.getRequestURI().getPath(),
            e.toString());
        response = WebResponse.error(500, "INTERNAL", "internal error");
      }
      response.sendTo(exchange);
    }
  }

  private static ThreadFactory daemons() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "web-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops at once: in-flight exchanges are cut, threads get a second to end. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
