package dev.bgevl.streams.deadletter;

/** The Streams config key that tells our exception handlers where dead letters go. */
public final class DeadLetterConfig {

  /**
   * Passed through the Streams properties to the handlers, which Streams instantiates by class
   * name.
   */
  public static final String TOPIC_CONFIG = "bgevl.dead-letter.topic";

  private DeadLetterConfig() {}

  static String topic(java.util.Map<String, ?> configs) {
    Object topic = configs.get(TOPIC_CONFIG);
    if (topic == null || topic.toString().isBlank()) {
      throw new org.apache.kafka.common.config.ConfigException(
          TOPIC_CONFIG + " must name the dead-letter topic");
    }
    return topic.toString();
  }
}
