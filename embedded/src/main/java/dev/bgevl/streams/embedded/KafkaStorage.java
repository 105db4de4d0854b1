package dev.bgevl.streams.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats a KRaft data directory once, as {@code kafka-storage.sh format} would, and reads its
 * cluster id.
 */
final class KafkaStorage {

  private static final Logger log = LoggerFactory.getLogger(KafkaStorage.class);

  private KafkaStorage() {}

  /**
   * Formats {@code dataDir} with a new random cluster id unless its {@code meta.properties} exists,
   * and returns the cluster id it holds. Formatting again would orphan every topic, so an existing
   * directory is only ever read.
   */
  static String formatOnce(Path dataDir, int nodeId, String controllerListenerName) {
    Path metaProperties = dataDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
    if (Files.exists(metaProperties)) {
      String clusterId = readClusterId(metaProperties);
      log.debug("Reusing Kafka storage dataDir={} clusterId={}", dataDir, clusterId);
      return clusterId;
    }
    String clusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
      new Formatter()
          // Formatter prints to System.out by default; keep the CLI's stdout clean
          .setPrintStream(out)
          .setNodeId(nodeId)
          .setClusterId(clusterId)
          .setControllerListenerName(controllerListenerName)
          .setDirectories(List.of(dataDir.toString()))
          .setMetadataLogDirectory(dataDir.toString())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("Could not format Kafka storage in " + dataDir, e);
    }
    log.info("Formatted Kafka storage dataDir={} clusterId={}", dataDir, clusterId);
    log.debug(
        "Kafka storage formatter said {}",
        formatterOutput.toString(StandardCharsets.UTF_8).strip());
    return clusterId;
  }

  private static String readClusterId(Path metaProperties) {
    Properties properties = new Properties();
    try (var in = Files.newInputStream(metaProperties)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + metaProperties, e);
    }
    String clusterId = properties.getProperty("cluster.id");
    if (clusterId == null) {
      throw new IllegalStateException(
          "No cluster.id in " + metaProperties + "; is this a KRaft data directory?");
    }
    return clusterId;
  }
}
