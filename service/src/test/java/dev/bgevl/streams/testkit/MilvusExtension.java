package dev.bgevl.streams.testkit;

import dev.bgevl.streams.embedded.EmbeddedMilvusServer;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.milvus.MilvusConnector;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.IndexParam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Milvus per test class, on a free port in a temporary directory, with a connected client;
 * stopped and deleted after the class. Register as {@code @RegisterExtension static final
 * MilvusExtension milvus = new MilvusExtension();}.
 *
 * <p>Which Milvus: system property {@code bgevl.milvus.server}, {@code lite} (default: the embedded
 * native Milvus Lite from {@code bgevl.venv}, else {@code ../.venv}, with the default AUTOINDEX) or
 * {@code standalone} (the {@code -Pmilvus-standalone} profile: Milvus standalone from {@code
 * bgevl.standaloneVenv}, with HNSW).
 */
public final class MilvusExtension implements BeforeAllCallback, AfterAllCallback {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STANDALONE_START_TIMEOUT = Duration.ofSeconds(120);

  private Path dataRoot;
  private MilvusTestServer server;
  private MilvusConfig config;
  private MilvusClientV2 client;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dataRoot = Files.createTempDirectory("milvus-");
    int port = EmbeddedMilvusServer.freePort();
    if (standalone()) {
      server =
          StandaloneMilvusServer.start(
              Path.of(System.getProperty("bgevl.standaloneVenv")),
              Path.of(System.getProperty("bgevl.root", ".."))
                  .resolve("tools")
                  .resolve("milvus_standalone.py"),
              dataRoot.resolve("data"),
              port,
              STANDALONE_START_TIMEOUT);
      config = MilvusConfig.defaults(server.uri()).withIndexType(IndexParam.IndexType.HNSW);
    } else {
      server =
          new LiteTestServer(
              EmbeddedMilvusServer.start(
                  venv(), dataRoot.resolve("data"), "127.0.0.1", port, START_TIMEOUT));
      config = MilvusConfig.defaults(server.uri());
    }
    client = MilvusConnector.connect(config);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      try {
        if (server != null) {
          server.close();
        }
      } finally {
        deleteRecursively(dataRoot);
      }
    }
  }

  /** The server's URI, e.g. {@code http://127.0.0.1:40123}. */
  public String uri() {
    return server.uri();
  }

  /** Default configuration pointing at this server. */
  public MilvusConfig config() {
    return config;
  }

  /** A client connected with {@link #config()}; owned by the extension, do not close. */
  public MilvusClientV2 client() {
    return client;
  }

  /** The server itself, for tests that stop and restart it. */
  public MilvusTestServer server() {
    return server;
  }

  /**
   * Whether this run uses Milvus standalone ({@code -Pmilvus-standalone}) rather than the embedded
   * Milvus Lite.
   */
  public static boolean standalone() {
    return "standalone".equals(System.getProperty("bgevl.milvus.server", "lite"));
  }

  /** The venv holding the {@code milvus-lite} wheel. */
  public static Path venv() {
    String property = System.getProperty("bgevl.venv");
    return property == null || property.isBlank()
        ? Path.of("..", ".venv").toAbsolutePath().normalize()
        : Path.of(property);
  }

  private static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // best effort: a leftover temp directory must not fail the tests
    }
  }
}
