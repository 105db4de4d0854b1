package dev.bgevl.streams.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Converts one generated Avro record type to and from natural, human-friendly JSON that follows the
 * same schema.
 *
 * <p>Unlike Avro's own JSON encoding, values are written the way a person would type them:
 *
 * <ul>
 *   <li>JSON field names are the Avro field names ({@code image_uri}, {@code top_k});
 *   <li>a nullable union is the plain value or {@code null}, never {@code {"string": "x"}}; in a
 *       union of several types the first branch, in schema order, that accepts the value wins;
 *   <li>{@code bytes} and {@code fixed} are standard base64 strings, enums their symbol, maps
 *       objects, arrays arrays, nested records objects;
 *   <li>{@code timestamp-millis}/{@code -micros} are written as epoch numbers and read from numbers
 *       or ISO-8601 instants such as {@code "2024-05-01T12:00:00Z"}.
 * </ul>
 *
 * On input a missing field takes its schema default; a missing field without default, a value of
 * the wrong type, an unknown enum symbol, malformed or trailing JSON all raise a {@link
 * SerializationException} naming the field and the expected type. Unknown fields are ignored on
 * purpose: a producer on a newer schema must not break older readers, the same forward
 * compatibility Avro's schema resolution gives the binary format.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class AvroJsonCodec<T extends SpecificRecord> {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final Schema schema;
  private final JsonDatumReader reader;
  private final JsonDatumWriter writer;

  /** A codec for the generated class whose schema is {@code schema}. */
  public AvroJsonCodec(Schema schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
    SpecificData model = SpecificData.getForSchema(schema);
    if (schema.getType() != Schema.Type.RECORD || model.getClass(schema) == null) {
      throw new IllegalArgumentException(
          "No generated record class on the classpath for schema " + schema.getFullName());
    }
    this.reader = new JsonDatumReader(model);
    this.writer = new JsonDatumWriter(model);
  }

  /** A codec for a generated record class, e.g. {@code AvroJsonCodec.of(MediaEvent.class)}. */
  public static <T extends SpecificRecord> AvroJsonCodec<T> of(Class<T> type) {
    return new AvroJsonCodec<>(SpecificData.getForClass(type).getSchema(type));
  }

  /** The record schema this codec follows. */
  public Schema schema() {
    return schema;
  }

  /** Reads one record from UTF-8 JSON. */
  public T fromJson(byte[] json) {
    try {
      return fromTree(MAPPER.readTree(json));
    } catch (IOException e) {
      throw invalidJson(e);
    }
  }

  /** Reads one record from JSON text. */
  public T fromJson(String json) {
    try {
      return fromTree(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw invalidJson(e);
    }
  }

  /** Reads one record from a JSON object tree. */
  @SuppressWarnings(
      "unchecked") // the constructor checked that the model builds this schema's generated class
  public T fromTree(JsonNode tree) {
    if (tree == null || tree.isMissingNode()) {
      throw new SerializationException("Empty JSON: expected an object " + schema.getName());
    }
    return (T) reader.read(tree, schema, "");
  }

  /** Writes a record as a JSON object tree, fields in schema order. */
  public ObjectNode toTree(T record) {
    return (ObjectNode) writer.write(Objects.requireNonNull(record, "record"), schema, "");
  }

  /** Writes a record as compact JSON text. */
  public String toJson(T record) {
    try {
      return MAPPER.writeValueAsString(toTree(record));
    } catch (JsonProcessingException e) {
      throw new SerializationException("Could not write " + schema.getName() + " as JSON", e);
    }
  }

  /** Writes a record as compact UTF-8 JSON. */
  public byte[] toJsonBytes(T record) {
    try {
      return MAPPER.writeValueAsBytes(toTree(record));
    } catch (JsonProcessingException e) {
      throw new SerializationException("Could not write " + schema.getName() + " as JSON", e);
    }
  }

  private SerializationException invalidJson(IOException e) {
    String detail =
        e instanceof JsonProcessingException jpe
            ? jpe.getOriginalMessage()
                + (jpe.getLocation() == null
                    ? ""
                    : " at line "
                        + jpe.getLocation().getLineNr()
                        + ", column "
                        + jpe.getLocation().getColumnNr())
            : e.getMessage();
    return new SerializationException("Invalid JSON for " + schema.getName() + ": " + detail);
  }
}
