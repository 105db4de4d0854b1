package dev.bgevl.streams.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

  private static final Path DATA_DIR = Path.of("/tmp/bgevl-kafka");

  @Test
  void shouldRunSingleNodeCombinedOnLoopback() {
    Map<String, Object> props =
        EmbeddedKafkaBroker.brokerProperties(
            EmbeddedKafkaConfig.defaults(DATA_DIR), DATA_DIR, 9092, 40000);

    assertEquals("broker,controller", props.get("process.roles"));
    assertEquals("1@127.0.0.1:40000", props.get("controller.quorum.voters"));
    assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:40000", props.get("listeners"));
    assertEquals("PLAINTEXT://127.0.0.1:9092", props.get("advertised.listeners"));
    assertEquals(DATA_DIR.toString(), props.get("log.dirs"));
    assertEquals(DATA_DIR.toString(), props.get("metadata.log.dir"));
  }

  @Test
  void shouldPlaceInternalTopicsOnOneNodeSoStreamsTransactionsWork() {
    Map<String, Object> props =
        EmbeddedKafkaBroker.brokerProperties(
            EmbeddedKafkaConfig.defaults(DATA_DIR), DATA_DIR, 9092, 40000);

    assertEquals("1", props.get("offsets.topic.replication.factor"));
    assertEquals("1", props.get("transaction.state.log.replication.factor"));
    assertEquals("1", props.get("transaction.state.log.min.isr"));
    assertEquals("0", props.get("group.initial.rebalance.delay.ms"));
    assertEquals("false", props.get("auto.create.topics.enable"));
  }

  @Test
  void shouldLetBrokerPropertiesOverrideDefaults() {
    EmbeddedKafkaConfig config =
        EmbeddedKafkaConfig.defaults(DATA_DIR)
            .withBrokerProperties(
                Map.of("auto.create.topics.enable", "true", "log.retention.hours", "1"));

    Map<String, Object> props = EmbeddedKafkaBroker.brokerProperties(config, DATA_DIR, 9092, 40000);

    assertEquals("true", props.get("auto.create.topics.enable"));
    assertEquals("1", props.get("log.retention.hours"));
  }

  @Test
  void shouldDefaultToPort9092AndAFreeControllerPort() {
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults(DATA_DIR);

    assertEquals(9092, config.port());
    assertEquals(0, config.controllerPort());
  }

  @Test
  void shouldRejectPortOutOfRangeNamingIt() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> EmbeddedKafkaConfig.defaults(DATA_DIR).withControllerPort(70000));

    assertTrue(error.getMessage().contains("controllerPort"), error.getMessage());
    assertTrue(error.getMessage().contains("70000"), error.getMessage());
  }

  @Test
  void shouldRejectSameClientAndControllerPort() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EmbeddedKafkaConfig.defaults(DATA_DIR).withControllerPort(9092));
  }

  @Test
  void shouldResolveZeroToAFreePortAndKeepOthers() {
    assertEquals(9092, FreePort.resolve(9092));
    int picked = FreePort.resolve(0);
    assertTrue(picked > 0 && picked <= 65_535, "picked " + picked);
  }
}
