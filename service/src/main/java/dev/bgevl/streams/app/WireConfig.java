package dev.bgevl.streams.app;

import dev.bgevl.streams.schemas.serde.CachingSchemaRegistryClient;
import dev.bgevl.streams.schemas.serde.RestSchemaRegistryClient;
import dev.bgevl.streams.schemas.serde.SchemaRegistryConfig;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.schemas.serde.WireFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The wire format the service writes; it reads both formats whatever this says.
 *
 * @param output {@code AVRO} (Confluent framing, needs a registry) or {@code JSON} ({@code
 *     serde.format})
 * @param schemaRegistryUrl Confluent-compatible registry ({@code schema.registry.url})
 */
public record WireConfig(WireFormat output, Optional<String> schemaRegistryUrl) {

  public WireConfig {
    Objects.requireNonNull(output, "serde.format");
    schemaRegistryUrl = schemaRegistryUrl.filter(s -> !s.isBlank());
    if (output == WireFormat.AVRO && schemaRegistryUrl.isEmpty()) {
      throw new IllegalArgumentException("serde.format=AVRO needs schema.registry.url");
    }
  }

  /** The serdes' configuration: this format out, a caching registry client when one is set. */
  public SerdeConfig serdes() {
    return new SerdeConfig(
        output,
        schemaRegistryUrl.map(
            url ->
                new CachingSchemaRegistryClient(
                    new RestSchemaRegistryClient(SchemaRegistryConfig.of(url)))));
  }
}
