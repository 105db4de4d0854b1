package dev.bgevl.streams.schemas.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in either wire format, telling them apart by their first byte; null stays null
 * (tombstone).
 */
final class BgevlDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private final Schema readerSchema;
  private final SerdeConfig config;
  private final AvroJsonCodec<T> json;
  private final Map<Integer, SpecificDatumReader<T>> readersById = new ConcurrentHashMap<>();

  BgevlDeserializer(Schema readerSchema, SerdeConfig config, AvroJsonCodec<T> json) {
    this.readerSchema = readerSchema;
    this.config = config;
    this.json = json;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    WireFormat format =
        WireFormat.detect(data)
            .orElseThrow(
                () ->
                    new SerializationException(
                        "Unknown wire format on topic '"
                            + topic
                            + "': "
                            + (data.length == 0
                                ? "empty value"
                                : String.format("first byte 0x%02x", data[0] & 0xff))
                            + " is neither an Avro frame (magic byte 0x00) nor a JSON object ('{')"));
    return format == WireFormat.AVRO ? avro(topic, data) : json(topic, data);
  }

  private T avro(String topic, byte[] frame) {
    int id = ConfluentFrame.schemaId(topic, frame);
    SpecificDatumReader<T> reader = readersById.get(id);
    if (reader == null) {
      // looked up outside the map's locks so a slow registry never blocks other ids; a racing
      // duplicate is harmless
      reader = newReader(topic, id);
      readersById.putIfAbsent(id, reader);
    }
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                frame,
                ConfluentFrame.HEADER_LENGTH,
                frame.length - ConfluentFrame.HEADER_LENGTH,
                null);
    T record;
    try {
      record = reader.read(null, new BoundedDecoder(decoder, frame.length));
      if (!decoder.isEnd()) {
        // trailing bytes mean the id names a schema other than the one the body was written with
        throw new IOException("bytes left over after the record");
      }
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Corrupt Avro record on topic '"
              + topic
              + "' with schema id "
              + id
              + " (writer "
              + reader.getSchema().getFullName()
              + ", reader "
              + readerSchema.getFullName()
              + "): "
              + e,
          e);
    }
    return record;
  }

  private SpecificDatumReader<T> newReader(String topic, int id) {
    SchemaRegistryClient registry =
        config
            .registry()
            .orElseThrow(
                () ->
                    new SerializationException(
                        "Avro record with schema id "
                            + id
                            + " on topic '"
                            + topic
                            + "' but no schema registry is configured"));
    Schema writer;
    try {
      writer = registry.schemaById(id);
    } catch (SerializationException e) {
      throw new SerializationException(
          "Cannot read Avro record on topic '" + topic + "': " + e.getMessage(), e);
    }
    // writer and reader schemas differ after evolution; Avro's resolution fills defaults and skips
    // removed fields
    return new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForSchema(readerSchema));
  }

  private T json(String topic, byte[] data) {
    try {
      return json.fromJson(data);
    } catch (SerializationException e) {
      throw new SerializationException(
          "Cannot read JSON record on topic '" + topic + "': " + e.getMessage(), e);
    }
  }
}
