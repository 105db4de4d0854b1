package dev.bgevl.streams.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the service's topics when missing; media-vectors is compacted, as a system of record must be. */
final class TopicInitializer {
  private static final Logger log = LoggerFactory.getLogger(TopicInitializer.class);

  private TopicInitializer() {}

  static void ensure(Admin admin, Topics topics, KafkaConfig kafka) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      Optional<Short> replication = kafka.replicationFactor() < 0 ? Optional.empty() : Optional.of(kafka.replicationFactor());
      Optional<Integer> partitions = Optional.of(kafka.topicPartitions());
      List<NewTopic> missing = new ArrayList<>();
      for (String name : List.of(topics.mediaEvents(), topics.mediaDeadLetters(), topics.requests(),
          topics.replies(), topics.requestDeadLetters())) {
        if (!existing.contains(name)) {
          missing.add(new NewTopic(name, partitions, replication));
        }
      }
      if (!existing.contains(topics.mediaVectors())) {
        missing.add(new NewTopic(topics.mediaVectors(), partitions, replication)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
      }
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
      throw new IllegalStateException("Cannot create topics on " + kafka.bootstrapServers() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    }
  }
}
