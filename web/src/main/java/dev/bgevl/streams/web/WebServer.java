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
 * a slow search must never hold a health probe up. Bound first (so the port is known before Streams
 * needs it as {@code application.server}), serving once the service is up.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** Searches wait on the service; enough threads that a few slow ones leave thumbnails flowing. */
  private static final int THREADS = 8;

  private final HttpServer server;
  private final ExecutorService executor;

  private WebServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code config.port()} on all interfaces; nothing is served until {@link #serve}. */
  public static WebServer bind(WebConfig config) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("the web server is off (--web.port -1)");
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(config.port()), 0);
      return new WebServer(server, Executors.newFixedThreadPool(THREADS, daemons()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bind the search page to --web.port " + config.port(), e);
    }
  }

  /** The bound port (the chosen one under {@code --web.port 0}). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Starts answering: the page, its search call and the thumbnails. */
  void serve(StaticPage page, SearchEndpoint search, ThumbnailEndpoint thumbnails) {
    server.createContext(
        "/",
        exchange ->
            answer(
                exchange,
                () -> {
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
                }));
    server.setExecutor(executor);
    server.start();
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

  /** One exchange's handler, which may read the body and so throw. */
  private interface Handler {
    WebResponse handle() throws IOException;
  }

  private static void answer(HttpExchange exchange, Handler handler) throws IOException {
    try (exchange) {
      WebResponse response;
      try {
        response = handler.handle();
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
