package dev.bgevl.streams.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaTestClusterIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @TempDir Path stateDir;

  @Test
  void shouldConsumeWhatWasProduced() throws Exception {
    KAFKA.createTopics(2, "plain");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
      producer
          .send(new ProducerRecord<>("plain", bytes("k1"), bytes("v1")))
          .get(30, TimeUnit.SECONDS);
      producer
          .send(new ProducerRecord<>("plain", bytes("k2"), bytes("v2")))
          .get(30, TimeUnit.SECONDS);
    }

    List<ConsumerRecord<byte[], byte[]>> records = KAFKA.consumeUntil("plain", 2, WAIT);

    assertEquals(2, records.size());
  }

  @Test
  void shouldRunExactlyOnceStreamsApp() throws Exception {
    KAFKA.createTopics("words-in", "words-out");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(
            "words-in", Consumed.with(Serdes.String(), Serdes.String()).withName("words-source"))
        .mapValues(value -> value.toUpperCase(Locale.ROOT), Named.as("words-upper"))
        .to("words-out", Produced.with(Serdes.String(), Serdes.String()).withName("words-sink"));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kafka-test-cluster-it");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      produceStrings("words-in", "a", "b", "c");

      List<ConsumerRecord<String, String>> out =
          KAFKA.consumeUntil(
              "words-out", 3, WAIT, new StringDeserializer(), new StringDeserializer());

      assertEquals(List.of("A", "B", "C"), out.stream().map(ConsumerRecord::value).toList());
      streams.close(Duration.ofSeconds(30));
    }
  }

  @Test
  void shouldServeAgainAfterBrokerRestart() throws Exception {
    KAFKA.createTopics("restarted");
    int brokerId = KAFKA.brokerIds().iterator().next();
    produceStrings("restarted", "before");

    KAFKA.shutdownBroker(brokerId);
    KAFKA.startBroker(brokerId);
    produceStrings("restarted", "after");

    List<ConsumerRecord<String, String>> records =
        KAFKA.consumeUntil(
            "restarted", 2, WAIT, new StringDeserializer(), new StringDeserializer());
    assertEquals(List.of("before", "after"), records.stream().map(ConsumerRecord::value).toList());
  }

  private static void produceStrings(String topic, String... values) throws Exception {
    Properties props = KAFKA.producerProps();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value, value)).get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
