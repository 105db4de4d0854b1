package dev.bgevl.streams.testkit;

import dev.bgevl.streams.app.KafkaConfig;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.app.WireConfig;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.batch.BatchPolicy;
import dev.bgevl.streams.ingest.IngestConfig;
import dev.bgevl.streams.media.ImageSourcePolicy;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.query.QueryConfig;
import dev.bgevl.streams.schemas.serde.WireFormat;
import dev.bgevl.streams.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Service configurations for ingest fault tests: like {@link TestServices}, but with the broker,
 * Milvus settings, topic names, partitions and replication chosen by the test, so several services
 * can share one broker and one Milvus Lite.
 */
public final class IngestTestServices {

  private IngestTestServices() {}

  /**
   * Milvus settings that give up fast while Milvus is down (1 s calls, 2 attempts), so a flush
   * fails within seconds and the ingest task restarts instead of hanging on the default 5 attempts
   * of 10 s.
   */
  public static MilvusConfig impatient(MilvusConfig milvus) {
    return milvus
        .withTimeout(Duration.ofSeconds(1))
        .withRetry(new MilvusConfig.RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(200)));
  }

  /**
   * Topic names prefixed with {@code prefix}, so tests on one broker never read each other's
   * records.
   */
  public static Topics topics(String prefix) {
    return new Topics(
        prefix + "-media-events",
        prefix + "-media-vectors",
        prefix + "-media-thumbnails",
        prefix + "-media-events-dlq",
        prefix + "-retrieval-requests",
        prefix + "-retrieval-replies",
        prefix + "-retrieval-requests-dlq",
        Set.of());
  }

  /**
   * The tiny bundle, JSON on the wire, exactly_once_v2, one stream thread per application.
   *
   * @param milvus the Milvus settings; give each service its own collection prefix to keep tests
   *     apart
   */
  public static ServiceConfig config(
      String applicationId,
      String bootstrapServers,
      MilvusConfig milvus,
      Path stateDir,
      Topics topics,
      int partitions,
      short replicationFactor,
      IngestConfig ingest) {
    return config(
        applicationId,
        bootstrapServers,
        milvus,
        stateDir,
        topics,
        partitions,
        replicationFactor,
        ingest,
        Map.of());
  }

  /** As above, with Kafka client properties passed through to both Streams applications. */
  public static ServiceConfig config(
      String applicationId,
      String bootstrapServers,
      MilvusConfig milvus,
      Path stateDir,
      Topics topics,
      int partitions,
      short replicationFactor,
      IngestConfig ingest,
      Map<String, String> clientProperties) {
    return new ServiceConfig(
        new KafkaConfig(
            bootstrapServers,
            applicationId,
            stateDir,
            "exactly_once_v2",
            1,
            1,
            partitions,
            replicationFactor,
            clientProperties),
        topics,
        new WireConfig(WireFormat.JSON, Optional.empty()),
        Path.of(System.getProperty("bgevl.tinyBundle")),
        EncoderConfig.DEFAULT.withIntraOpThreads(1),
        BatchPolicy.DEFAULT,
        milvus,
        new ImageSourcePolicy(Optional.empty(), 1 << 20),
        ingest,
        QueryConfig.DEFAULT);
  }
}
