package dev.bgevl.streams.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Writes a datum of one Avro schema as a natural Jackson tree: plain values for unions, base64 for
 * bytes, numbers for timestamps.
 */
final class JsonDatumWriter {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final SpecificData model;

  JsonDatumWriter(SpecificData model) {
    this.model = model;
  }

  JsonNode write(Object datum, Schema schema, String path) {
    if (datum == null
        && schema.getType() != Schema.Type.NULL
        && schema.getType() != Schema.Type.UNION) {
      throw new SerializationException(
          "Field '" + path + "' is null but expects " + JsonDatumReader.describe(schema));
    }
    Object raw = toRaw(datum, schema);
    try {
      return writeRaw(raw, schema, path);
    } catch (ClassCastException e) {
      throw new SerializationException(
          "Field '"
              + path
              + "' holds a "
              + raw.getClass().getSimpleName()
              + " but expects "
              + JsonDatumReader.describe(schema),
          e);
    }
  }

  private JsonNode writeRaw(Object datum, Schema schema, String path) {
    switch (schema.getType()) {
      case RECORD:
        {
          ObjectNode object = NODES.objectNode();
          for (Schema.Field field : schema.getFields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            object.set(
                field.name(),
                write(model.getField(datum, field.name(), field.pos()), field.schema(), fieldPath));
          }
          return object;
        }
      case UNION:
        {
          int branch;
          try {
            branch = model.resolveUnion(schema, datum);
          } catch (AvroRuntimeException e) {
            throw new SerializationException(
                "Field '"
                    + path
                    + "' holds a value that is not "
                    + JsonDatumReader.describe(schema),
                e);
          }
          return write(datum, schema.getTypes().get(branch), path);
        }
      case ARRAY:
        {
          ArrayNode array = NODES.arrayNode();
          int i = 0;
          for (Object element : (Collection<?>) datum) {
            array.add(write(element, schema.getElementType(), path + "[" + i++ + "]"));
          }
          return array;
        }
      case MAP:
        {
          ObjectNode object = NODES.objectNode();
          for (Map.Entry<?, ?> entry : ((Map<?, ?>) datum).entrySet()) {
            String key = String.valueOf(entry.getKey());
            object.set(key, write(entry.getValue(), schema.getValueType(), path + "." + key));
          }
          return object;
        }
      case ENUM:
      case STRING:
        return NODES.textNode(datum.toString());
      case FIXED:
        return NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) datum).bytes()));
      case BYTES:
        {
          // read through a duplicate so the record's buffer position is left alone
          ByteBuffer buffer = ((ByteBuffer) datum).duplicate();
          byte[] bytes = new byte[buffer.remaining()];
          buffer.get(bytes);
          return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
      case INT:
        return NODES.numberNode(((Number) datum).intValue());
      case LONG:
        return NODES.numberNode(((Number) datum).longValue());
      case FLOAT:
        return NODES.numberNode(((Number) datum).floatValue());
      case DOUBLE:
        return NODES.numberNode(((Number) datum).doubleValue());
      case BOOLEAN:
        return NODES.booleanNode((Boolean) datum);
      case NULL:
        return NODES.nullNode();
      default:
        throw new IllegalStateException("Unhandled Avro type " + schema.getType());
    }
  }

  private Object toRaw(Object datum, Schema schema) {
    LogicalType logicalType = schema.getLogicalType();
    Conversion<?> conversion = logicalType == null ? null : model.getConversionFor(logicalType);
    return conversion == null || !conversion.getConvertedType().isInstance(datum)
        ? datum
        : convert(datum, schema, logicalType, conversion);
  }

  private static <T> Object convert(
      Object datum, Schema schema, LogicalType logicalType, Conversion<T> conversion) {
    return Conversions.convertToRawType(
        conversion.getConvertedType().cast(datum), schema, logicalType, conversion);
  }
}
