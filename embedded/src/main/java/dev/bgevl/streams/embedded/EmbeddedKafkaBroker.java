package dev.bgevl.streams.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker running in this JVM, KRaft combined mode, whose data survives
 * restarts.
 *
 * <p>{@link #start} formats the data directory on first use and reuses it afterwards, starts broker
 * and controller, and returns once the broker answers clients. The caller owns the broker and
 * closes it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  static final int NODE_ID = 1;
  static final String CLIENT_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String HOST = "127.0.0.1";
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaRaftServer server;
  private final DataDirLock lock;
  private final Path dataDir;
  private final String bootstrapServers;
  private final String clusterId;
  private boolean closed;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server,
      DataDirLock lock,
      Path dataDir,
      String bootstrapServers,
      String clusterId) {
    this.server = server;
    this.lock = lock;
    this.dataDir = dataDir;
    this.bootstrapServers = bootstrapServers;
    this.clusterId = clusterId;
  }

  /**
   * Starts a broker and waits until it answers clients, at most {@link #START_TIMEOUT}.
   *
   * @throws IllegalStateException if the data directory is in use, cannot be formatted, or the
   *     broker never answers
   */
  public static EmbeddedKafkaBroker start(EmbeddedKafkaConfig config) {
    long startNanos = System.nanoTime();
    Path dataDir = config.dataDir().toAbsolutePath().normalize();
    DataDirLock lock = lockDataDir(dataDir);
    KafkaRaftServer server = null;
    try {
      int port = FreePort.resolve(config.port());
      int controllerPort = resolveControllerPort(config.controllerPort(), port);
      String clusterId = KafkaStorage.formatOnce(dataDir, NODE_ID, CONTROLLER_LISTENER);
      String bootstrapServers = HOST + ":" + port;
      log.info(
          "Starting Kafka broker bootstrap={} controllerPort={} dataDir={} clusterId={}",
          bootstrapServers,
          controllerPort,
          dataDir,
          clusterId);

      server =
          new KafkaRaftServer(
              new KafkaConfig(brokerProperties(config, dataDir, port, controllerPort), false),
              Time.SYSTEM);
      server.startup();
      awaitAnswering(bootstrapServers, startNanos + START_TIMEOUT.toNanos());

      log.info(
          "Kafka broker started bootstrap={} dataDir={} tookMs={}",
          bootstrapServers,
          dataDir,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
      return new EmbeddedKafkaBroker(server, lock, dataDir, bootstrapServers, clusterId);
    } catch (Exception e) {
      // Scala code may throw checked exceptions it never declares
      RuntimeException failure =
          e instanceof RuntimeException runtime
              ? runtime
              : new IllegalStateException("Kafka broker failed to start in " + dataDir, e);
      boolean stopped = server == null || stopBounded(server);
      if (stopped) {
        closeQuietly(lock, failure);
      }
      throw failure;
    }
  }

  /** {@code host:port} for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The cluster id written into {@code meta.properties} when the data directory was formatted. */
  public String clusterId() {
    return clusterId;
  }

  /** The absolute data directory the broker writes. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Shuts the broker down and waits at most {@link #STOP_TIMEOUT}. Idempotent. When the broker does
   * not stop in time the data directory stays locked, so no second broker starts on files still
   * being written.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long startNanos = System.nanoTime();
    log.info("Closing Kafka broker bootstrap={}", bootstrapServers);
    if (!stopBounded(server)) {
      log.warn(
          "Kafka broker did not stop in time timeoutMs={} dataDir={} lockKept=true",
          STOP_TIMEOUT.toMillis(),
          dataDir);
      return;
    }
    closeQuietly(lock, null);
    log.info(
        "Kafka broker closed bootstrap={} tookMs={}",
        bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  static Map<String, Object> brokerProperties(
      EmbeddedKafkaConfig config, Path dataDir, int port, int controllerPort) {
    Map<String, Object> props = new HashMap<>();
    // one process is both the broker and its own KRaft controller
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put(
        "listeners",
        CLIENT_LISTENER
            + "://"
            + HOST
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    props.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + port);
    props.put(
        "listener.security.protocol.map",
        CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put("inter.broker.listener.name", CLIENT_LISTENER);
    // one directory holds both the topic logs and the metadata log, so one path is all there is to
    // keep
    props.put("log.dirs", dataDir.toString());
    props.put("metadata.log.dir", dataDir.toString());

    // Internal topics default to replication factor 3, which one node cannot place: consumer
    // groups,
    // transactions (exactly_once_v2) and share groups would wait forever.
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    // A handful of local groups and transactional ids: 50 partitions each only slow the first start
    // down.
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.num.partitions", "1");
    // Nobody else will join the group: the 3 s default just delays every Streams start.
    props.put("group.initial.rebalance.delay.ms", "0");
    // The app creates its topics with the partitions and configs it needs; a typo must fail, not
    // make a topic.
    props.put("auto.create.topics.enable", "false");
    // The cleaner (compacted media-vectors, changelogs) would take 128 MiB of the app's own heap by
    // default.
    props.put("log.cleaner.dedupe.buffer.size", Long.toString(16L * 1024 * 1024));

    props.putAll(config.brokerProperties());
    return props;
  }

  private static DataDirLock lockDataDir(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      return DataDirLock.acquire(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not lock Kafka data directory " + dataDir, e);
    }
  }

  private static int resolveControllerPort(int controllerPort, int clientPort) {
    int resolved = FreePort.resolve(controllerPort);
    // the OS may hand out the client port again when it was itself picked a moment ago
    while (resolved == clientPort) {
      resolved = FreePort.resolve(0);
    }
    return resolved;
  }

  private static void awaitAnswering(String bootstrapServers, long deadlineNanos) {
    Map<String, Object> adminProps =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.CLIENT_ID_CONFIG,
            "embedded-kafka-readiness");
    try (Admin admin = Admin.create(adminProps)) {
      RuntimeException last = null;
      while (System.nanoTime() < deadlineNanos) {
        int remainingMs =
            (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        try {
          // describeCluster lists only unfenced brokers: a non-empty answer means clients can
          // produce
          if (!admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs))
              .nodes()
              .get(remainingMs, TimeUnit.MILLISECONDS)
              .isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(
              "Interrupted while waiting for Kafka broker " + bootstrapServers, e);
        }
      }
      throw new IllegalStateException(
          "Kafka broker did not answer at "
              + bootstrapServers
              + " within "
              + START_TIMEOUT.toSeconds()
              + " s",
          last);
    }
  }

  /** Returns whether the server stopped within {@link #STOP_TIMEOUT}. */
  private static boolean stopBounded(KafkaRaftServer server) {
    Thread stopper =
        new Thread(
            () -> {
              server.shutdown();
              server.awaitShutdown();
            },
            "embedded-kafka-shutdown");
    // a broker stuck in shutdown must not keep the JVM alive on exit
    stopper.setDaemon(true);
    stopper.start();
    try {
      stopper.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !stopper.isAlive();
  }

  private static void closeQuietly(DataDirLock lock, RuntimeException primary) {
    try {
      lock.close();
    } catch (IOException e) {
      if (primary != null) {
        primary.addSuppressed(e);
      } else {
        log.warn("Could not release Kafka data directory lock reason={}", e.toString());
      }
    }
  }
}
