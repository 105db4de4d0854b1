package dev.bgevl.streams.testkit;

import java.nio.file.Path;

/**
 * A Milvus server a test can stop and restart on the same data and port: the embedded Milvus Lite
 * or Milvus standalone.
 */
public interface MilvusTestServer extends AutoCloseable {

  /** The URI clients connect to, e.g. {@code http://127.0.0.1:40123}. */
  String uri();

  int port();

  Path dataDir();

  boolean isRunning();

  /** Stops the server; idempotent. */
  void stop();

  /** Starts the server again on the same data and port, stopping it first if it runs. */
  void restart();

  @Override
  void close();
}
