package dev.bgevl.streams.testkit;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Milvus standalone 2.3 from PyPI ({@code milvus}) through {@code tools/milvus_standalone.py}: a
 * real proxy, segments and HNSW, for the opt-in {@code -Pmilvus-standalone} profile. ~10 s to start
 * and ~1 GB resident, so one per test class.
 */
final class StandaloneMilvusServer implements MilvusTestServer {

  private static final Logger log = LoggerFactory.getLogger(StandaloneMilvusServer.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(8);

  private final Path venv;
  private final Path launcher;
  private final Path dataDir;
  private final int port;
  private final Duration startTimeout;
  private Process process;

  private StandaloneMilvusServer(
      Path venv, Path launcher, Path dataDir, int port, Duration startTimeout) {
    this.venv = venv;
    this.launcher = launcher;
    this.dataDir = dataDir.toAbsolutePath();
    this.port = port;
    this.startTimeout = startTimeout;
  }

  static StandaloneMilvusServer start(
      Path venv, Path launcher, Path dataDir, int port, Duration startTimeout) {
    StandaloneMilvusServer server =
        new StandaloneMilvusServer(venv, launcher, dataDir, port, startTimeout);
    server.launch();
    return server;
  }

  @Override
  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  @Override
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    Process stopping = process;
    process = null;
    long start = System.nanoTime();
    List<ProcessHandle> descendants = stopping.descendants().toList();
    stopping.destroy(); // SIGTERM: the launcher stops Milvus (SIGTERM, a kill after 1 s)
    try {
      if (!stopping.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        stopping.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.destroyForcibly();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    log.info(
        "Stopped Milvus standalone port={} tookMs={}",
        port,
        (System.nanoTime() - start) / 1_000_000);
  }

  @Override
  public synchronized void restart() {
    stop();
    launch();
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized void launch() {
    Path python = venv.resolve("bin").resolve("python");
    if (!Files.isExecutable(python) || !Files.isRegularFile(launcher)) {
      throw new IllegalStateException(
          "Milvus standalone is not installed: "
              + python
              + " or "
              + launcher
              + " is missing; run tools/setup-standalone-venv.sh");
    }
    long start = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      Path logFile = dataDir.resolveSibling(dataDir.getFileName() + "-standalone.log");
      process =
          new ProcessBuilder(
                  python.toString(),
                  launcher.toString(),
                  "--data",
                  dataDir.toString(),
                  "--port",
                  Integer.toString(port),
                  "--bin-cache",
                  venv.resolve("milvus-bin").toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      awaitReady(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start Milvus standalone", e);
    }
    log.info(
        "Started Milvus standalone uri={} tookMs={}",
        uri(),
        (System.nanoTime() - start) / 1_000_000);
  }

  private void awaitReady(Path logFile) throws IOException {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Milvus standalone exited with code "
                + process.exitValue()
                + "; log:\n"
                + Files.readString(logFile, StandardCharsets.UTF_8));
      }
      if (answers()) {
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while waiting for Milvus standalone", e);
      }
    }
    stop();
    throw new IllegalStateException(
        "Milvus standalone did not answer on "
            + uri()
            + " within "
            + startTimeout.toMillis()
            + " ms; log:\n"
            + Files.readString(logFile, StandardCharsets.UTF_8));
  }

  private boolean answers() {
    try {
      MilvusClientV2 client =
          new MilvusClientV2(
              ConnectConfig.builder()
                  .uri(uri())
                  .connectTimeoutMs(1000)
                  .rpcDeadlineMs(2000)
                  .build());
      try {
        client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
        client.listCollections();
        return true;
      } finally {
        client.close();
      }
    } catch (RuntimeException e) {
      return false;
    }
  }
}
