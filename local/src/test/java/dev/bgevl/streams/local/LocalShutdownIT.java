package dev.bgevl.streams.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.embedded.EmbeddedMilvusServer;
import dev.bgevl.streams.embedded.testkit.ChildService;
import dev.bgevl.streams.embedded.testkit.FreePorts;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on {@code bgevl local} with a batch in flight: the real process gets SIGTERM while it
 * ingests a stream of large images, stops the service first (which still needs the broker and
 * Milvus to finish its batch), then the broker, then Milvus, all within 10 s, and says it closed
 * clean.
 */
class LocalShutdownIT {

  static final Duration STOP_BUDGET = Duration.ofSeconds(10);
  static final int EVENTS = 240;

  @TempDir Path temp;

  @Test
  void shouldStopCleanlyWithinTenSecondsWhileABatchIsInFlight() throws Exception {
    int kafkaPort = FreePorts.pair();
    int milvusPort = EmbeddedMilvusServer.freePort();
    String bootstrap = "127.0.0.1:" + kafkaPort;
    try (ChildService local =
        ChildService.start(
            temp.resolve("local.log"),
            ChildService.LOCAL_MAIN,
            List.of(
                "local",
                "--local.data-dir",
                temp.resolve("data").toString(),
                "--local.venv",
                venv().toString(),
                "--local.kafka-port",
                Integer.toString(kafkaPort),
                "--local.milvus-port",
                Integer.toString(milvusPort),
                "--encoder.model",
                System.getProperty("bgevl.tinyBundle"),
                "--encoder.threads",
                "1",
                "--ops.port",
                "0",
                // the page is not under test; its default 8088 may be taken on this machine
                "--web.port",
                "-1"))) {
      Awaitility.await("local stack ready")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> local.logContains("Local stack ready") || !local.isAlive());
      assertTrue(local.isAlive(), "local stack started: " + local.log());
      produceLargeImages(bootstrap);
      // once vectors come out, the service works batch after batch on the rest: a stop now lands
      // mid-batch
      awaitFirstVector(bootstrap);

      long begin = System.nanoTime();
      local.terminate();
      OptionalInt exit = local.awaitExit(Duration.ofSeconds(60));
      Duration took = Duration.ofNanos(System.nanoTime() - begin);

      assertTrue(exit.isPresent(), "the process exits: " + local.log());
      assertTrue(
          took.compareTo(STOP_BUDGET) <= 0,
          "stopped in " + took.toMillis() + " ms:\n" + local.log());
      String log = local.log();
      assertTrue(log.contains("Service closed clean=true"), "the service closed clean:\n" + log);
      int service = log.indexOf("Service closed");
      int broker = log.indexOf("Kafka broker closed");
      int milvus = log.indexOf("Stopped Milvus");
      assertTrue(
          service >= 0 && broker > service && milvus > broker,
          "service, then broker, then Milvus:\n" + log);
      assertTrue(
          log.substring(milvus).startsWith("Stopped Milvus")
              && log.substring(milvus).contains("how=lock-released"),
          "Milvus stopped gracefully (its lock released, no signal):\n" + log.substring(milvus));
      // the JVM's own convention after SIGTERM: 128 + 15, once every shutdown hook has returned
      assertEquals(143, exit.getAsInt(), "exit code");
      System.out.println(
          "Stopped in "
              + took.toMillis()
              + " ms:\n"
              + log.substring(log.lastIndexOf("Service closing")));
    }
  }

  private static void produceLargeImages(String bootstrap) throws IOException {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    Random random = new Random(2026_12_02L);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < EVENTS; i++) {
        String id = "stop-" + i;
        String image = Base64.getEncoder().encodeToString(largeImage(random));
        producer.send(
            new ProducerRecord<>(
                "media-events",
                id,
                "{\"id\":\""
                    + id
                    + "\",\"image\":\""
                    + image
                    + "\",\"text\":\"image "
                    + i
                    + "\"}"));
      }
      producer.flush();
    }
  }

  /** 1600x1200 px, cheap to send (gradients compress) but not to decode and resize. */
  private static byte[] largeImage(Random random) throws IOException {
    BufferedImage image = new BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(
        new GradientPaint(
            0,
            0,
            new Color(random.nextInt(1 << 24)),
            1600,
            1200,
            new Color(random.nextInt(1 << 24))));
    g.fillRect(0, 0, 1600, 1200);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static void awaitFirstVector(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition("media-vectors", 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      Awaitility.await("first vector on media-vectors")
          .atMost(Duration.ofSeconds(120))
          .until(() -> !consumer.poll(Duration.ofMillis(200)).isEmpty());
    }
  }

  /**
   * A port whose successor is free too: {@code local} puts the KRaft controller on the next port.
   */
  private static Path venv() {
    String property = System.getProperty("bgevl.venv");
    return property != null ? Path.of(property) : Path.of("..", ".venv");
  }
}
