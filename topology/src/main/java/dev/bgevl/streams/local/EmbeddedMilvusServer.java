package dev.bgevl.streams.local;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Milvus Lite (PyPI {@code milvus-lite}) as a child process: the real Milvus-protocol server for tests and the local stack.
 *
 * <p>Runs {@code <venv>/bin/milvus-lite server --data-dir D --host H --port P}, its output appended to
 * {@code D/milvus-lite.log}, and returns once a gRPC client can list collections. {@link #stop()} ends it gracefully (SIGINT, so
 * Milvus Lite closes its database), then with SIGTERM, then forcibly; {@link #restart()} starts it again on the same data
 * directory and port, so data written before a stop is there after the restart.
 */
public final class EmbeddedMilvusServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedMilvusServer.class);

  /** Name of the server's log file inside its data directory. */
  public static final String LOG_FILE = "milvus-lite.log";

  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);
  private static final Duration TERMINATE_STOP = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final int LOG_TAIL_LINES = 30;

  private final Path executable;
  private final Path dataDir;
  private final String host;
  private final int port;
  private final Duration startTimeout;
  private Process process;
  private Thread shutdownHook;

  private EmbeddedMilvusServer(Path venv, Path dataDir, String host, int port, Duration startTimeout) {
    this.executable = venv.resolve("bin").resolve("milvus-lite");
    this.dataDir = dataDir.toAbsolutePath();
    this.host = host;
    this.port = port;
    this.startTimeout = startTimeout;
  }

  /**
   * Starts Milvus Lite and waits until it answers.
   *
   * @param venv         Python venv holding {@code bin/milvus-lite} (made by {@code tools/setup-venv.sh})
   * @param dataDir      data directory, created when missing; holds the log file too
   * @param host         address to bind, e.g. {@code 127.0.0.1}
   * @param port         port to bind; must be free
   * @param startTimeout how long to wait for the server to answer
   * @throws IllegalStateException when the executable is missing, the port is taken, or the server died or did not answer in
   *                               time (the message carries the end of its log)
   */
  public static EmbeddedMilvusServer start(Path venv, Path dataDir, String host, int port, Duration startTimeout) {
    Objects.requireNonNull(venv, "venv");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535 but was " + port);
    }
    EmbeddedMilvusServer server = new EmbeddedMilvusServer(venv, dataDir, host, port, startTimeout);
    server.launch();
    return server;
  }

  /** A port free on the loopback interface right now (another process may still take it before it is bound). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /** The URI clients connect to, e.g. {@code http://127.0.0.1:19530}. */
  public String uri() {
    return "http://" + host + ":" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /** Whether the server process is alive. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the server again on the same data directory and port, stopping it first if it runs. */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Stops the server and its child processes; idempotent. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    Process stopping = process;
    process = null;
    long start = System.nanoTime();
    List<ProcessHandle> descendants = stopping.descendants().toList();
    boolean graceful = interrupt(stopping) && waitFor(stopping, GRACEFUL_STOP);
    if (!graceful) {
      stopping.destroy();
      if (!waitFor(stopping, TERMINATE_STOP)) {
        stopping.destroyForcibly();
        waitFor(stopping, TERMINATE_STOP);
      }
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    removeShutdownHook();
    log.info("Stopped Milvus Lite port={} graceful={} tookMs={}", port, graceful, (System.nanoTime() - start) / 1_000_000);
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized void launch() {
    if (!Files.isExecutable(executable)) {
      throw new IllegalStateException("Milvus Lite is not installed: " + executable
          + " is missing; run tools/setup-venv.sh (or set bgevl.venv to a venv with milvus-lite)");
    }
    requirePortFree();
    long start = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      ProcessBuilder builder = new ProcessBuilder(executable.toString(), "server", "--data-dir", dataDir.toString(),
          "--host", host, "--port", Integer.toString(port))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
      builder.environment().put("PYTHONUNBUFFERED", "1");
      log.info("Starting Milvus Lite port={} dataDir={}", port, dataDir);
      process = builder.start();
      Process started = process;
      // a JVM that exits without stop() (a crashed test run) must not leave the server running
      shutdownHook = new Thread(() -> {
        started.descendants().forEach(ProcessHandle::destroyForcibly);
        started.destroyForcibly();
      }, "milvus-lite-reaper-" + port);
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + executable, e);
    }
    awaitReady();
    log.info("Started Milvus Lite uri={} pid={} tookMs={}", uri(), process.pid(), (System.nanoTime() - start) / 1_000_000);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    Exception lastFailure = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        int code = process.exitValue();
        process = null;
        removeShutdownHook();
        throw new IllegalStateException("Milvus Lite exited with code " + code + " before it answered on " + uri()
            + "; last lines of " + logFile() + ":\n" + logTail());
      }
      try {
        if (answers()) {
          return;
        }
      } catch (RuntimeException e) {
        lastFailure = e;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while waiting for Milvus Lite to start", e);
      }
    }
    stop();
    throw new IllegalStateException("Milvus Lite did not answer on " + uri() + " within " + startTimeout.toMillis() + " ms"
        + (lastFailure == null ? "" : " (last error: " + lastFailure.getMessage() + ")") + "; last lines of " + logFile()
        + ":\n" + logTail());
  }

  /** A TCP connect first (cheap), then a real gRPC call: Connect plus ListCollections. */
  private boolean answers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 200);
    } catch (IOException e) {
      return false;
    }
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(uri()).connectTimeoutMs(1000)
        .rpcDeadlineMs(2000).build());
    try {
      client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
      client.listCollections();
      return true;
    } finally {
      client.close();
    }
  }

  private void requirePortFree() {
    // a connect catches a listener a bind would miss: Milvus Lite's gRPC server binds with SO_REUSEPORT, so a second server
    // could share the port and the readiness probe would be answered by the first one
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 200);
      throw new IllegalStateException("port " + port + " on " + host + " is in use; Milvus Lite cannot bind it");
    } catch (IOException expected) {
      // nothing listens: good
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " on " + host + " is in use; Milvus Lite cannot bind it", e);
    }
  }

  private void removeShutdownHook() {
    if (shutdownHook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook itself
    }
    shutdownHook = null;
  }

  private static boolean interrupt(Process target) {
    // SIGINT is Milvus Lite's clean shutdown: it drains requests and closes the database; Java can only send it via kill(1)
    try {
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(target.pid()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean waitFor(Process target, Duration timeout) {
    try {
      return target.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String logTail() {
    Deque<String> tail = new ArrayDeque<>(LOG_TAIL_LINES);
    try (Stream<String> lines = Files.lines(logFile(), StandardCharsets.UTF_8)) {
      lines.forEach(line -> {
        if (tail.size() == LOG_TAIL_LINES) {
          tail.removeFirst();
        }
        tail.addLast(line);
      });
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
    return String.join("\n", tail);
  }
}
