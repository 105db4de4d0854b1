package dev.bgevl.streams.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes records in the configured wire format; null stays null so tombstones pass through. */
final class BgevlSerializer<T extends SpecificRecord> implements Serializer<T> {

  private static final Logger log = LoggerFactory.getLogger(BgevlSerializer.class);
  private static final int INITIAL_BUFFER = 256;

  private final Schema schema;
  private final SerdeConfig config;
  private final SpecificDatumWriter<T> avroWriter;
  private final AvroJsonCodec<T> json;
  private final ConcurrentMap<String, Integer> idsBySubject = new ConcurrentHashMap<>();
  private volatile boolean isKey;

  BgevlSerializer(Schema schema, SerdeConfig config, AvroJsonCodec<T> json) {
    this.schema = schema;
    this.config = config;
    this.avroWriter = new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
    this.json = json;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    return switch (config.outputFormat()) {
      case AVRO -> avro(topic, data);
      case JSON -> json.toJsonBytes(data);
    };
  }

  private byte[] avro(String topic, T data) {
    if (topic == null) {
      throw new SerializationException(
          "Writing Avro needs a topic: the schema subject is '<topic>-value'");
    }
    // the registry is required for AVRO output, SerdeConfig checked it
    int id = idsBySubject.computeIfAbsent(topic + (isKey ? "-key" : "-value"), this::register);
    ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_BUFFER);
    out.writeBytes(ConfluentFrame.header(id));
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      avroWriter.write(data, encoder);
    } catch (IOException | RuntimeException e) {
      // Avro reports a null required field as a NullPointerException and a wrong type as
      // ClassCastException
      throw new SerializationException(
          "Could not write " + schema.getName() + " as Avro for topic '" + topic + "': " + e, e);
    }
    return out.toByteArray();
  }

  private int register(String subject) {
    int id = config.registry().orElseThrow().register(subject, schema);
    log.info("Using schema subject={} name={} id={}", subject, schema.getFullName(), id);
    return id;
  }
}
