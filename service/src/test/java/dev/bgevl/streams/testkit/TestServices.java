package dev.bgevl.streams.testkit;

import dev.bgevl.streams.app.KafkaConfig;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.app.WireConfig;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.batch.BatchPolicy;
import dev.bgevl.streams.ingest.IngestConfig;
import dev.bgevl.streams.media.ImageSourcePolicy;
import dev.bgevl.streams.ops.OpsConfig;
import dev.bgevl.streams.query.QueryConfig;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.schemas.serde.WireFormat;
import dev.bgevl.streams.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The service configuration integration tests run: the tiny bundle, JSON on the wire, the given
 * broker and Milvus.
 */
public final class TestServices {

  private TestServices() {}

  public static ServiceConfig config(
      String applicationId,
      KafkaTestCluster kafka,
      MilvusExtension milvus,
      Path stateDir,
      Topics topics) {
    return config(applicationId, kafka, milvus, stateDir, topics, OpsConfig.DISABLED);
  }

  /** As above, with the ops HTTP server configured ({@code new OpsConfig(0)}: any free port). */
  public static ServiceConfig config(
      String applicationId,
      KafkaTestCluster kafka,
      MilvusExtension milvus,
      Path stateDir,
      Topics topics,
      OpsConfig ops) {
    return config(applicationId, kafka, milvus, stateDir, topics, ops, RecordLimits.DEFAULT);
  }

  /** As above, with the given record limit. */
  public static ServiceConfig config(
      String applicationId,
      KafkaTestCluster kafka,
      MilvusExtension milvus,
      Path stateDir,
      Topics topics,
      OpsConfig ops,
      RecordLimits limits) {
    return config(
        applicationId,
        kafka,
        milvus,
        stateDir,
        topics,
        ops,
        limits,
        Path.of(System.getProperty("bgevl.tinyBundle")));
  }

  /** As above, serving the model bundle in {@code bundle}. */
  public static ServiceConfig config(
      String applicationId,
      KafkaTestCluster kafka,
      MilvusExtension milvus,
      Path stateDir,
      Topics topics,
      OpsConfig ops,
      RecordLimits limits,
      Path bundle) {
    return new ServiceConfig(
        new KafkaConfig(
            kafka.bootstrapServers(),
            applicationId,
            stateDir,
            "exactly_once_v2",
            1,
            1,
            2,
            (short) 1,
            Map.of(),
            limits),
        topics,
        new WireConfig(WireFormat.JSON, Optional.empty()),
        bundle,
        EncoderConfig.DEFAULT.withIntraOpThreads(1),
        BatchPolicy.DEFAULT,
        milvus.config(),
        new ImageSourcePolicy(Optional.empty(), 1 << 20),
        IngestConfig.DEFAULT,
        QueryConfig.DEFAULT,
        ops);
  }
}
