package dev.bgevl.streams.bench;

import dev.bgevl.streams.app.KafkaConfig;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.app.WireConfig;
import dev.bgevl.streams.embedded.EmbeddedMilvusServer;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.encoder.DeviceSpec;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.batch.BatchPolicy;
import dev.bgevl.streams.ingest.IngestConfig;
import dev.bgevl.streams.media.ImageSourcePolicy;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.milvus.MilvusConnector;
import dev.bgevl.streams.query.QueryConfig;
import dev.bgevl.streams.schemas.serde.WireFormat;
import dev.bgevl.streams.topics.Topics;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.IndexParam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The real parts a pipeline benchmark runs on, started in this JVM as the integration tests do: a
 * one-node KRaft broker and Milvus Lite as a child process. Owns both and a Milvus client; closes
 * them in reverse order. Builds the service configuration the CLI would build from its defaults.
 */
final class BenchStack implements AutoCloseable {

  private final Path workDir;
  private final KafkaTestCluster kafka;
  private final EmbeddedMilvusServer milvus; // null on an external Milvus
  private final MilvusConfig milvusConfig;
  private final MilvusClientV2 client;

  /**
   * Which Milvus a benchmark runs on: the embedded Milvus Lite (no URI) or an external one at
   * {@code uri}, e.g. the Milvus standalone bench/*.sh start with {@code --server standalone}; new
   * collections get {@code index}.
   */
  record MilvusTarget(
      Optional<String> uri, IndexParam.IndexType index, ConsistencyLevel consistency) {

    static MilvusTarget from(BenchArgs args) {
      String uri = args.string("milvus-uri", "");
      return new MilvusTarget(
          uri.isBlank() ? Optional.empty() : Optional.of(uri),
          IndexParam.IndexType.valueOf(args.string("index-type", "AUTOINDEX")),
          ConsistencyLevel.valueOf(args.string("consistency", "STRONG")));
    }

    String describe() {
      return uri.map(u -> "external " + u).orElse("embedded Milvus Lite")
          + ", "
          + index
          + ", "
          + consistency;
    }
  }

  private BenchStack(
      Path workDir,
      KafkaTestCluster kafka,
      EmbeddedMilvusServer milvus,
      MilvusConfig milvusConfig,
      MilvusClientV2 client) {
    this.workDir = workDir;
    this.kafka = kafka;
    this.milvus = milvus;
    this.milvusConfig = milvusConfig;
    this.client = client;
  }

  static BenchStack start(Path workDir, Path venv, MilvusTarget target) throws Exception {
    return start(workDir, venv, target, Map.of());
  }

  /**
   * As {@link #start(Path, Path, MilvusTarget)}, with broker settings over the test cluster's
   * defaults.
   */
  static BenchStack start(
      Path workDir, Path venv, MilvusTarget target, Map<String, String> brokerProperties)
      throws Exception {
    Files.createDirectories(workDir);
    KafkaTestCluster kafka = new KafkaTestCluster(1, brokerProperties);
    kafka.start();
    EmbeddedMilvusServer milvus = null;
    try {
      if (target.uri().isEmpty()) {
        milvus =
            EmbeddedMilvusServer.start(
                venv,
                workDir.resolve("milvus-data"),
                "127.0.0.1",
                EmbeddedMilvusServer.freePort(),
                Duration.ofSeconds(120));
      }
      String uri = milvus != null ? milvus.uri() : target.uri().get();
      // why a long call deadline: bulk pre-fill upserts of thousands of rows take seconds on 2 busy
      // cores
      MilvusConfig config =
          MilvusConfig.defaults(uri)
              .withTimeout(Duration.ofSeconds(60))
              .withIndexType(target.index())
              .withConsistency(target.consistency());
      return new BenchStack(workDir, kafka, milvus, config, MilvusConnector.connect(config));
    } catch (Exception | Error e) {
      if (milvus != null) {
        milvus.close();
      }
      kafka.close();
      throw e;
    }
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  MilvusConfig milvusConfig() {
    return milvusConfig;
  }

  /** Owned by the stack; do not close. */
  MilvusClientV2 milvusClient() {
    return client;
  }

  /**
   * The CLI's defaults (JSON on the wire, 3 partitions, one ingest and one query thread, batching
   * as documented) with the encoder on CPU at {@code encoderThreads} ONNX Runtime threads.
   */
  ServiceConfig serviceConfig(
      String applicationId, Topics topics, Path bundle, int encoderThreads, String guarantee) {
    return serviceConfig(applicationId, topics, bundle, encoderThreads, guarantee, Map.of());
  }

  /** As above, with Kafka client properties passed to every client of the service. */
  ServiceConfig serviceConfig(
      String applicationId,
      Topics topics,
      Path bundle,
      int encoderThreads,
      String guarantee,
      Map<String, String> clientProperties) {
    return serviceConfig(
        applicationId, topics, bundle, encoderThreads, guarantee, clientProperties, 1);
  }

  /** As above, with {@code ingestThreads} stream threads in the ingest application. */
  ServiceConfig serviceConfig(
      String applicationId,
      Topics topics,
      Path bundle,
      int encoderThreads,
      String guarantee,
      Map<String, String> clientProperties,
      int ingestThreads) {
    return new ServiceConfig(
        new KafkaConfig(
            kafka.bootstrapServers(),
            applicationId,
            workDir.resolve("state-" + applicationId),
            guarantee,
            ingestThreads,
            1,
            3,
            (short) 1,
            clientProperties),
        topics,
        new WireConfig(WireFormat.JSON, Optional.empty()),
        bundle,
        encoderConfig(encoderThreads),
        BatchPolicy.DEFAULT,
        // the service's Milvus deadline is the CLI default, not the pre-fill's long one
        milvusConfig.withTimeout(MilvusConfig.DEFAULT_TIMEOUT),
        new ImageSourcePolicy(Optional.empty(), 16L << 20),
        IngestConfig.DEFAULT,
        QueryConfig.DEFAULT);
  }

  static EncoderConfig encoderConfig(int threads) {
    return EncoderConfig.DEFAULT.withDevice(DeviceSpec.CPU).withIntraOpThreads(threads);
  }

  /**
   * Topics with {@code prefix} on every name, so runs in one broker do not read each other's
   * records.
   */
  static Topics topics(String prefix) {
    Topics d = Topics.DEFAULT;
    return new Topics(
        prefix + d.mediaEvents(),
        prefix + d.mediaVectors(),
        prefix + d.mediaThumbnails(),
        prefix + d.mediaDeadLetters(),
        prefix + d.requests(),
        prefix + d.replies(),
        prefix + d.requestDeadLetters(),
        d.allowedReplyTopics());
  }

  /** Peak resident set ({@code VmHWM}, KiB) of this JVM, the in-process broker included. */
  static long jvmPeakRssKb() {
    return peakRssKb(ProcessHandle.current().pid());
  }

  /**
   * Peak resident set (KiB) of each process this JVM started (Milvus Lite and any children), by pid
   * and name.
   */
  static Map<String, Long> childPeakRssKb() {
    Map<String, Long> out = new LinkedHashMap<>();
    ProcessHandle.current()
        .descendants()
        .forEach(
            p -> {
              long kb = peakRssKb(p.pid());
              if (kb > 0) {
                out.put(p.pid() + ":" + comm(p.pid()), kb);
              }
            });
    return out;
  }

  private static long peakRssKb(long pid) {
    try (Stream<String> lines = Files.lines(Path.of("/proc", String.valueOf(pid), "status"))) {
      return lines
          .filter(l -> l.startsWith("VmHWM:"))
          .findFirst()
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
          .orElse(-1L);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip();
    } catch (IOException e) {
      return "?";
    }
  }

  @Override
  public void close() throws IOException {
    List<Exception> failures = new ArrayList<>();
    try {
      client.close();
    } catch (Exception e) {
      failures.add(e);
    }
    try {
      if (milvus != null) {
        milvus.close();
      }
    } catch (Exception e) {
      failures.add(e);
    }
    try {
      kafka.close();
    } catch (Exception e) {
      failures.add(e);
    }
    deleteRecursively(workDir.resolve("milvus-data"));
    if (!failures.isEmpty()) {
      IOException first = new IOException("closing the benchmark stack failed", failures.get(0));
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: bench-work is scratch space
    }
  }
}
