package dev.bgevl.streams.app;

import dev.bgevl.streams.topics.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the service's topics when missing; media-vectors is compacted, as a system of record must
 * be.
 */
final class TopicInitializer {
  private static final Logger log = LoggerFactory.getLogger(TopicInitializer.class);

  private TopicInitializer() {}

  static void ensure(Admin admin, Topics topics, KafkaConfig kafka) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      Optional<Short> replication =
          kafka.replicationFactor() < 0 ? Optional.empty() : Optional.of(kafka.replicationFactor());
      Optional<Integer> partitions = Optional.of(kafka.topicPartitions());
      List<NewTopic> missing = new ArrayList<>();
      for (String name :
          List.of(
              topics.mediaEvents(),
              topics.mediaDeadLetters(),
              topics.requests(),
              topics.replies(),
              topics.requestDeadLetters())) {
        if (!existing.contains(name)) {
          missing.add(
              new NewTopic(name, partitions, replication)
                  .configs(kafka.recordLimits().topicConfigs()));
        }
      }
      // vectors and thumbnails are keyed state: compacted, and partitioned like media-events
      for (String name : List.of(topics.mediaVectors(), topics.mediaThumbnails())) {
        if (!existing.contains(name)) {
          missing.add(
              new NewTopic(name, partitions, replication)
                  .configs(
                      withLimits(
                          kafka,
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG,
                              TopicConfig.CLEANUP_POLICY_COMPACT))));
        }
      }
      warnAboutSmallLimits(admin, existing, topics, kafka);
      if (missing.isEmpty()) {
        return;
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          log.info("Created topic name={} partitions={}", entry.getKey(), kafka.topicPartitions());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot create topics on " + kafka.bootstrapServers() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    }
  }

  private static Map<String, String> withLimits(KafkaConfig kafka, Map<String, String> configs) {
    Map<String, String> all = new HashMap<>(configs);
    all.putAll(kafka.recordLimits().topicConfigs());
    return all;
  }

  /**
   * Topics made by someone else keep their own {@code max.message.bytes}: say so when it is below
   * what the service writes, because records the service accepts would then fail to be written
   * there.
   */
  private static void warnAboutSmallLimits(
      Admin admin, Set<String> existing, Topics topics, KafkaConfig kafka)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<ConfigResource> ours =
        topics.all().stream()
            .filter(existing::contains)
            .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
            .toList();
    if (ours.isEmpty()) {
      return;
    }
    int needed = kafka.recordLimits().internalRecordBytes();
    for (var entry : admin.describeConfigs(ours).all().get(30, TimeUnit.SECONDS).entrySet()) {
      ConfigEntry limit = entry.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      if (limit != null && limit.value() != null && Long.parseLong(limit.value()) < needed) {
        log.warn(
            "Topic accepts smaller records than the service writes topic={} maxMessageBytes={} needed={}; "
                + "raise it with kafka-configs --alter --add-config max.message.bytes={}",
            entry.getKey().name(),
            limit.value(),
            needed,
            needed);
      }
    }
  }
}
