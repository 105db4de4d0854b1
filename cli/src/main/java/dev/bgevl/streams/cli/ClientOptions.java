package dev.bgevl.streams.cli;

import dev.bgevl.streams.schemas.serde.CachingSchemaRegistryClient;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.schemas.serde.RestSchemaRegistryClient;
import dev.bgevl.streams.schemas.serde.SchemaRegistryConfig;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.schemas.serde.WireFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * The Kafka and wire-format flags that the service and the client commands (produce, query) share.
 */
public final class ClientOptions {

  @Option(
      names = "--kafka.bootstrap-servers",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--kafka.property",
      description = "Kafka client property passed through untouched, key=value; repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(
      names = "--kafka.max-record-bytes",
      defaultValue = "25165824",
      description =
          "Largest input record (key, value and headers, uncompressed) the service accepts; larger ones are refused with RECORD_TOO_LARGE. Producers, topics and the embedded broker are sized from it (default: ${DEFAULT-VALUE}).")
  int maxRecordBytes;

  @Option(
      names = "--serde.format",
      defaultValue = "JSON",
      description =
          "Wire format written, AVRO (Confluent framing, needs --schema.registry.url) or JSON; both are read (default: ${DEFAULT-VALUE}).")
  WireFormat format;

  @Option(
      names = "--schema.registry.url",
      description = "Confluent-compatible schema registry URL.")
  String schemaRegistryUrl;

  Properties kafka() {
    Properties p = new Properties();
    p.putAll(kafkaProperties);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  RecordLimits recordLimits() {
    return new RecordLimits(maxRecordBytes);
  }

  /**
   * Client properties for a producer that can send every record the service accepts, compressed.
   */
  Properties producer() {
    return recordLimits().withProducerDefaults(kafka());
  }

  SerdeConfig serdes() {
    if (format == WireFormat.AVRO && schemaRegistryUrl == null) {
      throw new IllegalArgumentException("--serde.format=AVRO needs --schema.registry.url");
    }
    return new SerdeConfig(
        format,
        Optional.ofNullable(schemaRegistryUrl)
            .map(
                url ->
                    new CachingSchemaRegistryClient(
                        new RestSchemaRegistryClient(SchemaRegistryConfig.of(url)))));
  }
}
