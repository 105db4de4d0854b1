package dev.bgevl.streams.schemas.serde;

import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link BgevlSerde} writes, and the registry it resolves Avro schema ids with.
 *
 * @param outputFormat the format written; both formats are always read
 * @param registry needed to write Avro and to read Avro frames; JSON-only setups may leave it empty
 */
public record SerdeConfig(WireFormat outputFormat, Optional<SchemaRegistryClient> registry) {

  public SerdeConfig {
    Objects.requireNonNull(outputFormat, "outputFormat");
    Objects.requireNonNull(registry, "registry");
    if (outputFormat == WireFormat.AVRO && registry.isEmpty()) {
      throw new IllegalArgumentException(
          "Output format AVRO needs a schema registry: configure one or write JSON");
    }
  }

  /** Writes Confluent-framed Avro, registering schemas with {@code registry}. */
  public static SerdeConfig avro(SchemaRegistryClient registry) {
    return new SerdeConfig(WireFormat.AVRO, Optional.of(registry));
  }

  /** Writes JSON and reads Avro frames too, resolving their ids with {@code registry}. */
  public static SerdeConfig json(SchemaRegistryClient registry) {
    return new SerdeConfig(WireFormat.JSON, Optional.of(registry));
  }

  /** Writes and reads JSON only; an Avro frame is then a {@code SerializationException}. */
  public static SerdeConfig json() {
    return new SerdeConfig(WireFormat.JSON, Optional.empty());
  }
}
