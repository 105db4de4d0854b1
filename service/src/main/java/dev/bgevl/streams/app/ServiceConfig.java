package dev.bgevl.streams.app;

import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.batch.BatchPolicy;
import dev.bgevl.streams.ingest.IngestConfig;
import dev.bgevl.streams.media.ImageSourcePolicy;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.ops.OpsConfig;
import dev.bgevl.streams.query.QueryConfig;
import dev.bgevl.streams.topics.Topics;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the service needs, validated once, built only by the CLI from flags, environment and
 * defaults.
 */
public record ServiceConfig(
    KafkaConfig kafka,
    Topics topics,
    WireConfig wire,
    Path modelBundle,
    EncoderConfig encoder,
    BatchPolicy batch,
    MilvusConfig milvus,
    ImageSourcePolicy images,
    IngestConfig ingest,
    QueryConfig query,
    OpsConfig ops) {

  public ServiceConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(wire, "wire");
    Objects.requireNonNull(modelBundle, "encoder.model");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(milvus, "milvus");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(ops, "ops");
  }

  /** A configuration without the ops server, as tests and embedders want. */
  public ServiceConfig(
      KafkaConfig kafka,
      Topics topics,
      WireConfig wire,
      Path modelBundle,
      EncoderConfig encoder,
      BatchPolicy batch,
      MilvusConfig milvus,
      ImageSourcePolicy images,
      IngestConfig ingest,
      QueryConfig query) {
    this(
        kafka,
        topics,
        wire,
        modelBundle,
        encoder,
        batch,
        milvus,
        images,
        ingest,
        query,
        OpsConfig.DISABLED);
  }
}
