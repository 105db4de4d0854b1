package dev.bgevl.streams.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the in-process broker: client port, controller port, data directory and raw broker
 * overrides.
 *
 * @param port the PLAINTEXT client port on 127.0.0.1; 0 picks a free one at start
 * @param controllerPort the KRaft controller port on 127.0.0.1; 0 picks a free one at start
 * @param dataDir where the log and metadata live; formatted on first start, reused afterwards
 * @param brokerProperties broker settings applied last, overriding the single-node defaults
 */
public record EmbeddedKafkaConfig(
    int port, int controllerPort, Path dataDir, Map<String, String> brokerProperties) {

  /** The port clients know from every Kafka quick start. */
  public static final int DEFAULT_PORT = 9092;

  public EmbeddedKafkaConfig {
    requirePort("port", port);
    requirePort("controllerPort", controllerPort);
    if (port != 0 && port == controllerPort) {
      throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
    }
    Objects.requireNonNull(dataDir, "dataDir");
    brokerProperties = Map.copyOf(brokerProperties);
  }

  /**
   * The {@code bgevl local} default: port 9092, a free controller port (nothing outside the process
   * talks to the controller, and 9093 is often taken by a docker-compose Kafka), no overrides.
   */
  public static EmbeddedKafkaConfig defaults(Path dataDir) {
    return new EmbeddedKafkaConfig(DEFAULT_PORT, 0, dataDir, Map.of());
  }

  /** Both ports free, for tests that run beside other brokers. */
  public static EmbeddedKafkaConfig onFreePorts(Path dataDir) {
    return new EmbeddedKafkaConfig(0, 0, dataDir, Map.of());
  }

  public EmbeddedKafkaConfig withPort(int newPort) {
    return new EmbeddedKafkaConfig(newPort, controllerPort, dataDir, brokerProperties);
  }

  public EmbeddedKafkaConfig withControllerPort(int newControllerPort) {
    return new EmbeddedKafkaConfig(port, newControllerPort, dataDir, brokerProperties);
  }

  public EmbeddedKafkaConfig withBrokerProperties(Map<String, String> newBrokerProperties) {
    return new EmbeddedKafkaConfig(port, controllerPort, dataDir, newBrokerProperties);
  }

  private static void requirePort(String name, int value) {
    if (value < 0 || value > 65_535) {
      throw new IllegalArgumentException(name + " must be 0..65535, was " + value);
    }
  }
}
