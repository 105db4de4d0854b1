package dev.bgevl.streams.testkit;

import dev.bgevl.streams.embedded.EmbeddedMilvusServer;
import java.nio.file.Path;

/** The embedded Milvus Lite as a {@link MilvusTestServer}. */
final class LiteTestServer implements MilvusTestServer {

  private final EmbeddedMilvusServer server;

  LiteTestServer(EmbeddedMilvusServer server) {
    this.server = server;
  }

  @Override
  public String uri() {
    return server.uri();
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public Path dataDir() {
    return server.dataDir();
  }

  @Override
  public boolean isRunning() {
    return server.isRunning();
  }

  @Override
  public void stop() {
    server.stop();
  }

  @Override
  public void restart() {
    server.restart();
  }

  @Override
  public void close() {
    server.close();
  }
}
