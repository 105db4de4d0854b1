package dev.bgevl.streams.embedded;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native Milvus Lite engine (PyPI {@code milvus-lite} 2.5.x, C++ on knowhere) as a child
 * process: the embedded Milvus of the local stack and the tests.
 *
 * <p>Runs the wheel's own binary, {@code <venv>/lib/python3.X/site-packages/milvus_lite/lib/milvus
 * DBFILE HOST:PORT LEVEL LOCKFILE}, directly (no Python process in between), with its libraries
 * beside it on {@code LD_LIBRARY_PATH}; data lives in {@code D/milvus.db} and output is appended to
 * {@code D/milvus-lite.log}. {@link #start} returns once a gRPC client can list collections.
 *
 * <p>Stopping: this JVM holds an exclusive lock on {@code D/milvus-lite.lock} while the server
 * runs, and the server exits by itself, cleanly, as soon as the lock is free. That is Milvus Lite's
 * own graceful stop (it is how its Python wrapper stops it), and it also covers a JVM that dies
 * without running any hook: the OS frees the lock. {@link #stop()} frees the lock, then sends
 * SIGTERM, then kills, within {@link #STOP_BUDGET}; a shutdown hook does the same when the JVM
 * exits without a {@link #stop()} within 5 s (it leaves the owner time to close the service first).
 * SIGINT is not used: the engine ignores it. {@link #restart()} starts it again on the same data
 * and port.
 */
public final class EmbeddedMilvusServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedMilvusServer.class);

  /** Name of the server's log file inside its data directory. */
  public static final String LOG_FILE = "milvus-lite.log";

  /**
   * Name of the database file inside the data directory; Milvus Lite wants at most 36 characters of
   * [A-Za-z0-9._-].
   */
  public static final String DB_FILE = "milvus.db";

  /** Name of the lock file whose release stops the server. */
  public static final String LOCK_FILE = "milvus-lite.lock";

  /** Longest {@link #stop()} takes: lock release, then SIGTERM, then a kill. */
  public static final Duration STOP_BUDGET = Duration.ofSeconds(4);

  // measured: the server exits ~10 ms after the lock is released, ~1.5 s after SIGTERM
  private static final Duration LOCK_RELEASE_WAIT = Duration.ofMillis(1500);
  private static final Duration TERMINATE_WAIT = Duration.ofMillis(1500);
  private static final Duration KILL_WAIT = Duration.ofSeconds(1);
  private static final Duration POLL = Duration.ofMillis(50);

  /**
   * How long the JVM-exit hook lets an orderly {@link #stop()} happen before it stops the server
   * itself.
   */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final int LOG_TAIL_LINES = 30;
  // INFO logs five lines per request; WARNING keeps start failures and refused requests
  private static final String LOG_LEVEL = "WARNING";

  private final Path venv;
  private final Path dataDir;
  private final String host;
  private final int port;
  private final Duration startTimeout;
  private Running running;

  /** A started process and the lock that keeps it alive. */
  private record Running(Process process, FileChannel lockChannel, Thread shutdownHook) {}

  private EmbeddedMilvusServer(
      Path venv, Path dataDir, String host, int port, Duration startTimeout) {
    // absolute: the engine runs with the data directory as its working directory
    this.venv = venv.toAbsolutePath();
    this.dataDir = dataDir.toAbsolutePath();
    this.host = host;
    this.port = port;
    this.startTimeout = startTimeout;
  }

  /**
   * Starts Milvus Lite and waits until it answers.
   *
   * @param venv Python venv holding the {@code milvus-lite} wheel (made by {@code
   *     tools/setup-venv.sh})
   * @param dataDir data directory, created when missing; holds the database, lock and log files
   * @param host address to bind, e.g. {@code 127.0.0.1}
   * @param port port to bind; must be free
   * @param startTimeout how long to wait for the server to answer
   * @throws IllegalStateException when the engine is missing, the port or data directory is taken,
   *     or the server died or did not answer in time (the message carries the end of its log)
   */
  public static EmbeddedMilvusServer start(
      Path venv, Path dataDir, String host, int port, Duration startTimeout) {
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

  /**
   * A port free on the loopback interface right now (another process may still take it before it is
   * bound).
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /**
   * The Milvus Lite binary inside {@code venv}: {@code
   * lib/python3.X/site-packages/milvus_lite/lib/milvus}, whatever the Python version.
   *
   * @throws IllegalStateException when the venv has no such binary
   */
  public static Path engine(Path venv) {
    Path lib = venv.resolve("lib");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> pythons = Files.list(lib)) {
        Optional<Path> found =
            pythons
                .filter(p -> p.getFileName().toString().startsWith("python"))
                .sorted(Comparator.reverseOrder())
                .map(
                    p ->
                        p.resolve("site-packages")
                            .resolve("milvus_lite")
                            .resolve("lib")
                            .resolve("milvus"))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isPresent()) {
          return found.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not list " + lib, e);
      }
    }
    throw new IllegalStateException(
        "Milvus Lite is not installed: no "
            + lib
            + "/python3.*/site-packages/milvus_lite/lib/milvus;"
            + " run tools/setup-venv.sh (or set bgevl.venv to a venv with milvus-lite 2.5.x)");
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
    return running != null && running.process().isAlive();
  }

  /** Starts the server again on the same data directory and port, stopping it first if it runs. */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Stops the server within {@link #STOP_BUDGET}; idempotent. */
  public synchronized void stop() {
    if (running == null) {
      return;
    }
    Running stopping = running;
    running = null;
    removeShutdownHook(stopping.shutdownHook());
    halt(stopping.process(), stopping.lockChannel(), port);
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized void launch() {
    Path engine = engine(venv);
    requirePortFree();
    long start = System.nanoTime();
    FileChannel lockChannel = null;
    try {
      Files.createDirectories(dataDir);
      lockChannel = lock(dataDir.resolve(LOCK_FILE));
      List<String> command = new ArrayList<>();
      // its own session: Ctrl-C in a terminal signals the whole foreground process group, and the
      // engine must not
      // stop before the service that is still flushing to it (the owner stops it, in order); setsid
      // execs in place
      if (Files.isExecutable(SETSID)) {
        command.add(SETSID.toString());
      }
      command.addAll(
          List.of(
              engine.toString(),
              dataDir.resolve(DB_FILE).toString(),
              host + ":" + port,
              LOG_LEVEL,
              dataDir.resolve(LOCK_FILE).toString()));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dataDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
      // the engine's own libraries (knowhere, OpenBLAS, glog) sit beside it, as its Python wrapper
      // sets up
      String libraries = engine.getParent().toString();
      String inherited = System.getenv("LD_LIBRARY_PATH");
      builder
          .environment()
          .put(
              "LD_LIBRARY_PATH",
              inherited == null || inherited.isBlank() ? libraries : libraries + ":" + inherited);
      // glog would otherwise write a file per start into /tmp; to stderr it lands in our log file
      builder.environment().put("GLOG_logtostderr", "1");
      log.info("Starting Milvus Lite port={} dataDir={}", port, dataDir);
      Process process = builder.start();
      FileChannel held = lockChannel;
      Thread hook =
          new Thread(
              () -> {
                // hooks run concurrently: give the owner's orderly close (service first, then this
                // server) its time before
                // stopping the server under a service that may still be flushing to it
                if (!waitFor(process, SHUTDOWN_GRACE)) {
                  halt(process, held, port);
                }
              },
              "milvus-lite-stop-" + port);
      running = new Running(process, held, hook);
      lockChannel = null;
      // a JVM that exits without stop() (Ctrl-C, System.exit, a failed test run) stops the server
      // gracefully too
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IOException e) {
      closeQuietly(lockChannel);
      throw new UncheckedIOException("could not start " + engine, e);
    }
    awaitReady();
    log.info(
        "Started Milvus Lite uri={} pid={} tookMs={}",
        uri(),
        running.process().pid(),
        (System.nanoTime() - start) / 1_000_000);
  }

  private FileChannel lock(Path lockFile) throws IOException {
    FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // another server of this JVM holds it
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException(
          "Milvus data directory " + dataDir + " is in use by another Milvus Lite server");
    }
    return channel;
  }

  /**
   * Frees the lock (the clean stop), then SIGTERM, then a kill; never longer than {@link
   * #STOP_BUDGET}.
   */
  private static void halt(Process process, FileChannel lockChannel, int port) {
    long start = System.nanoTime();
    List<ProcessHandle> descendants = process.descendants().toList();
    closeQuietly(lockChannel);
    String how = "lock-released";
    if (!waitFor(process, LOCK_RELEASE_WAIT)) {
      how = "sigterm";
      process.destroy();
      if (!waitFor(process, TERMINATE_WAIT)) {
        how = "killed";
        process.destroyForcibly();
        waitFor(process, KILL_WAIT);
      }
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    log.info(
        "Stopped Milvus Lite port={} how={} tookMs={}",
        port,
        how,
        (System.nanoTime() - start) / 1_000_000);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    Exception lastFailure = null;
    while (System.nanoTime() < deadline) {
      Process process = running.process();
      if (!process.isAlive()) {
        int code = process.exitValue();
        Running failed = running;
        running = null;
        removeShutdownHook(failed.shutdownHook());
        closeQuietly(failed.lockChannel());
        throw new IllegalStateException(
            "Milvus Lite exited with code "
                + code
                + " before it answered on "
                + uri()
                + "; last lines of "
                + logFile()
                + ":\n"
                + logTail());
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
    throw new IllegalStateException(
        "Milvus Lite did not answer on "
            + uri()
            + " within "
            + startTimeout.toMillis()
            + " ms"
            + (lastFailure == null ? "" : " (last error: " + lastFailure.getMessage() + ")")
            + "; last lines of "
            + logFile()
            + ":\n"
            + logTail());
  }

  /** A TCP connect first (cheap), then a real gRPC call: Connect plus ListCollections. */
  private boolean answers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 200);
    } catch (IOException e) {
      return false;
    }
    MilvusClientV2 client =
        new MilvusClientV2(
            ConnectConfig.builder().uri(uri()).connectTimeoutMs(1000).rpcDeadlineMs(2000).build());
    try {
      client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
      client.listCollections();
      return true;
    } finally {
      client.close();
    }
  }

  private void requirePortFree() {
    // a connect catches a listener a bind would miss: the engine's gRPC server binds with
    // SO_REUSEPORT, so a second server
    // could share the port and the readiness probe would be answered by the first one
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 200);
      throw new IllegalStateException(
          "port " + port + " on " + host + " is in use; Milvus Lite cannot bind it");
    } catch (IOException expected) {
      // nothing listens: good
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port " + port + " on " + host + " is in use; Milvus Lite cannot bind it", e);
    }
  }

  private static void removeShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook itself
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close(); // closing the channel frees its lock
    } catch (IOException e) {
      log.warn("Could not close the Milvus Lite lock file error={}", e.toString());
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
      lines.forEach(
          line -> {
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
