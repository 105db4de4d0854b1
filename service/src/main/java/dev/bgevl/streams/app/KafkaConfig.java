package dev.bgevl.streams.app;

import dev.bgevl.streams.schemas.serde.RecordLimits;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the service talks to Kafka and runs its two Streams applications.
 *
 * @param bootstrapServers {@code kafka.bootstrap-servers}
 * @param applicationId prefix of the Streams application ids, {@code <id>-ingest} and {@code
 *     <id>-query} ({@code kafka.application-id})
 * @param stateDir Streams state folder ({@code kafka.state-dir})
 * @param processingGuarantee {@code exactly_once_v2} or {@code at_least_once} ({@code
 *     kafka.processing-guarantee})
 * @param ingestThreads stream threads of the ingest application ({@code ingest.threads})
 * @param queryThreads stream threads of the query application ({@code query.threads})
 * @param topicPartitions partitions of topics the service creates ({@code topics.partitions})
 * @param replicationFactor replication of topics the service creates, -1 for the broker default
 *     ({@code topics.replication-factor})
 * @param clientProperties passed to every Kafka client untouched ({@code kafka.property})
 * @param recordLimits the input record limit and the producer, topic and consumer settings derived
 *     from it ({@code kafka.max-record-bytes})
 */
public record KafkaConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    String processingGuarantee,
    int ingestThreads,
    int queryThreads,
    int topicPartitions,
    short replicationFactor,
    Map<String, String> clientProperties,
    RecordLimits recordLimits) {

  private static final Set<String> GUARANTEES = Set.of("exactly_once_v2", "at_least_once");

  public KafkaConfig {
    Objects.requireNonNull(bootstrapServers, "kafka.bootstrap-servers");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers must not be blank");
    }
    if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "kafka.application-id must match [A-Za-z0-9._-]+, got '" + applicationId + "'");
    }
    Objects.requireNonNull(stateDir, "kafka.state-dir");
    if (!GUARANTEES.contains(processingGuarantee)) {
      throw new IllegalArgumentException(
          "kafka.processing-guarantee must be exactly_once_v2 or at_least_once, got '"
              + processingGuarantee
              + "'");
    }
    if (ingestThreads < 1 || queryThreads < 1) {
      throw new IllegalArgumentException("ingest.threads and query.threads must be >= 1");
    }
    if (topicPartitions < 1) {
      throw new IllegalArgumentException("topics.partitions must be >= 1, got " + topicPartitions);
    }
    if (replicationFactor == 0 || replicationFactor < -1) {
      throw new IllegalArgumentException(
          "topics.replication-factor must be -1 or >= 1, got " + replicationFactor);
    }
    clientProperties = Map.copyOf(clientProperties);
    Objects.requireNonNull(recordLimits, "kafka.max-record-bytes");
  }

  /** A configuration with the default record limits. */
  public KafkaConfig(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      String processingGuarantee,
      int ingestThreads,
      int queryThreads,
      int topicPartitions,
      short replicationFactor,
      Map<String, String> clientProperties) {
    this(
        bootstrapServers,
        applicationId,
        stateDir,
        processingGuarantee,
        ingestThreads,
        queryThreads,
        topicPartitions,
        replicationFactor,
        clientProperties,
        RecordLimits.DEFAULT);
  }
}
