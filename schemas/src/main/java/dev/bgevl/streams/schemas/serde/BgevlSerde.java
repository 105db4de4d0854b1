package dev.bgevl.streams.schemas.serde;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record type in both wire formats.
 *
 * <p>The deserializer accepts Confluent-framed Avro and JSON on the same topic, record by record:
 * {@code null} is a tombstone and stays {@code null}; anything it cannot read is a {@link
 * org.apache.kafka.common.errors.SerializationException} naming the topic (and the schema id where
 * known). An unreachable registry is a {@link SchemaRegistryUnavailableException} instead, because
 * the record is not at fault. The serializer writes {@link SerdeConfig#outputFormat()}; Avro output
 * registers the schema under {@code <topic>-value} ({@code <topic>-key} once configured as a key
 * serde) the first time it sees a topic.
 *
 * <p>Thread-safe; one instance can serve every task of an application.
 */
public final class BgevlSerde<T extends SpecificRecord> implements Serde<T> {

  private final BgevlSerializer<T> serializer;
  private final BgevlDeserializer<T> deserializer;

  /**
   * A serde for the generated class whose schema is {@code schema}, e.g. {@code
   * MediaEvent.getClassSchema()}.
   */
  public BgevlSerde(Schema schema, SerdeConfig config) {
    Objects.requireNonNull(config, "config");
    AvroJsonCodec<T> json = new AvroJsonCodec<>(schema);
    this.serializer = new BgevlSerializer<>(schema, config, json);
    this.deserializer = new BgevlDeserializer<>(schema, config, json);
  }

  /**
   * A serde for a generated record class, e.g. {@code BgevlSerde.of(MediaEvent.class,
   * SerdeConfig.json())}.
   */
  public static <T extends SpecificRecord> BgevlSerde<T> of(Class<T> type, SerdeConfig config) {
    return new BgevlSerde<>(SpecificData.getForClass(type).getSchema(type), config);
  }

  /** Only {@code isKey} matters: it picks the {@code -key} subject suffix; the map is ignored. */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
