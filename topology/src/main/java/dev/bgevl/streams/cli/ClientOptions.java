package dev.bgevl.streams.cli;

import dev.bgevl.streams.schemas.serde.CachingSchemaRegistryClient;
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

/** The Kafka and wire-format flags that the service and the client commands (produce, query) share. */
final class ClientOptions {

  @Option(names = "--kafka.bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--kafka.property", description = "Kafka client property passed through untouched, key=value; repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--serde.format", defaultValue = "JSON", description = "Wire format written, AVRO (Confluent framing, needs --schema.registry.url) or JSON; both are read (default: ${DEFAULT-VALUE}).")
  WireFormat format;

  @Option(names = "--schema.registry.url", description = "Confluent-compatible schema registry URL.")
  String schemaRegistryUrl;

  Properties kafka() {
    Properties p = new Properties();
    p.putAll(kafkaProperties);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  SerdeConfig serdes() {
    if (format == WireFormat.AVRO && schemaRegistryUrl == null) {
      throw new IllegalArgumentException("--serde.format=AVRO needs --schema.registry.url");
    }
    return new SerdeConfig(format, Optional.ofNullable(schemaRegistryUrl)
        .map(url -> new CachingSchemaRegistryClient(new RestSchemaRegistryClient(SchemaRegistryConfig.of(url)))));
  }
}
