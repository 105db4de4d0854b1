package dev.bgevl.streams.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedKafkaBrokerIT {

  private static final String TOPIC = "media-events";

  @TempDir Path dataDir;

  @Test
  void shouldKeepTopicsAndRecordsAcrossRestart() throws Exception {
    String clusterId;
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.onFreePorts(dataDir))) {
      clusterId = broker.clusterId();
      try (Admin admin = admin(broker)) {
        admin
            .createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      produce(broker, "media-1", "first");
      assertEquals(List.of("media-1=first"), consume(broker, 1));
    }

    // fresh free ports on purpose: the static quorum does not pin ports into the data directory
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.onFreePorts(dataDir))) {
      assertEquals(clusterId, broker.clusterId());
      try (Admin admin = admin(broker)) {
        assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC));
      }
      produce(broker, "media-2", "second");
      assertEquals(List.of("media-1=first", "media-2=second"), consume(broker, 2));
    }
  }

  @Test
  void shouldRefuseSecondBrokerOnSameDataDir() {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.onFreePorts(dataDir))) {
      IllegalStateException refused =
          assertThrows(
              IllegalStateException.class,
              () -> EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.onFreePorts(dataDir)).close());
      assertTrue(refused.getMessage().contains("in use by another broker"), refused.getMessage());
      assertTrue(refused.getMessage().contains(broker.dataDir().toString()), refused.getMessage());
    }
  }

  @Test
  void shouldNotCreateTopicsOnDemand() throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.onFreePorts(dataDir));
        Admin admin = admin(broker)) {
      try (KafkaConsumer<String, String> consumer = consumer(broker)) {
        // a metadata request for an unknown topic would create it when auto-creation were on
        consumer.partitionsFor("typo-topic", Duration.ofSeconds(2));
      }
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertFalse(names.contains("typo-topic"), names.toString());
    }
  }

  private static Admin admin(EmbeddedKafkaBroker broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static void produce(EmbeddedKafkaBroker broker, String key, String value)
      throws Exception {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(TOPIC, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker broker) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false");
    return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
  }

  /** Reads the topic from the start until {@code count} records arrived, within a deadline. */
  private static List<String> consume(EmbeddedKafkaBroker broker, int count) {
    try (KafkaConsumer<String, String> consumer = consumer(broker)) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      return records.stream().map(r -> r.key() + "=" + r.value()).collect(Collectors.toList());
    }
  }
}
