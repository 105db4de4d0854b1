package dev.bgevl.streams.schemas.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bgevl.streams.schemas.serde.InMemorySchemaRegistryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A real HTTP server speaking the Confluent schema registry endpoints the service uses (register a
 * subject version, fetch a schema by id), backed by an in-memory registry. Confluent's registry is
 * not on Maven Central and no compatible registry installs from PyPI, so tests of the Avro wire
 * format run against this one; the client under test is our real REST client.
 */
public final class SchemaRegistryTestServer implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicReference<String> lastContentType = new AtomicReference<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Optional<String> requiredAuth;
  private final HttpServer server;
  private volatile boolean hang;

  public SchemaRegistryTestServer(Optional<String> requiredUserAndPassword) throws IOException {
    this.requiredAuth =
        requiredUserAndPassword.map(
            secret ->
                "Basic "
                    + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public SchemaRegistryTestServer() throws IOException {
    this(Optional.empty());
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int requests() {
    return requests.get();
  }

  public String lastContentType() {
    return lastContentType.get();
  }

  /** Makes every later request wait until the server closes, to exercise client timeouts. */
  public void hang() {
    hang = true;
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      if (hang) {
        release.await(30, TimeUnit.SECONDS);
      }
      if (requiredAuth.isPresent()
          && !requiredAuth.get().equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        reply(exchange, 401, Map.of("error_code", 401, "message", "Unauthorized"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if ("GET".equals(exchange.getRequestMethod()) && path.startsWith("/schemas/ids/")) {
        int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
        try {
          reply(exchange, 200, Map.of("schema", registry.schemaById(id).toString()));
        } catch (SerializationException e) {
          reply(
              exchange, 404, Map.of("error_code", 40403, "message", "Schema " + id + " not found"));
        }
      } else if ("POST".equals(exchange.getRequestMethod())
          && path.matches("/subjects/[^/]+/versions")) {
        lastContentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
        String subject = path.split("/")[2];
        String text = MAPPER.readTree(exchange.getRequestBody()).path("schema").asText();
        if (subject.startsWith("incompatible")) {
          reply(
              exchange,
              409,
              Map.of("error_code", 409, "message", "Schema being registered is incompatible"));
        } else if (subject.startsWith("broken")) {
          reply(
              exchange,
              500,
              Map.of("error_code", 50001, "message", "Error in the backend data store"));
        } else {
          register(exchange, subject, text);
        }
      } else {
        reply(exchange, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void register(HttpExchange exchange, String subject, String schemaText)
      throws IOException {
    try {
      reply(
          exchange,
          200,
          Map.of("id", registry.register(subject, new Schema.Parser().parse(schemaText))));
    } catch (SchemaParseException e) {
      reply(exchange, 422, Map.of("error_code", 42201, "message", "Invalid schema"));
    }
  }

  private static void reply(HttpExchange exchange, int status, Map<String, ?> body)
      throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
