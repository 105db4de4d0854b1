package dev.bgevl.streams.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.commons.lang3.StringUtils;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads a Jackson tree as a datum of one Avro schema, in the Java types of a generated class's
 * {@link SpecificData} model.
 */
final class JsonDatumReader {

  private static final int MAX_SHOWN_VALUE = 40;

  private final SpecificData model;

  JsonDatumReader(SpecificData model) {
    this.model = model;
  }

  Object read(JsonNode node, Schema schema, String path) {
    Object raw = readRaw(node, schema, path);
    LogicalType logicalType = schema.getLogicalType();
    Conversion<?> conversion = logicalType == null ? null : model.getConversionFor(logicalType);
    return conversion == null || raw == null
        ? raw
        : Conversions.convertToLogicalType(raw, schema, logicalType, conversion);
  }

  private Object readRaw(JsonNode node, Schema schema, String path) {
    switch (schema.getType()) {
      case RECORD:
        return readRecord(node, schema, path);
      case UNION:
        return readUnion(node, schema, path);
      case ENUM:
        if (node.isTextual() && schema.hasEnumSymbol(node.textValue())) {
          return model.createEnum(node.textValue(), schema);
        }
        break;
      case ARRAY:
        if (node.isArray()) {
          List<Object> list = new ArrayList<>(node.size());
          for (int i = 0; i < node.size(); i++) {
            list.add(read(node.get(i), schema.getElementType(), path + "[" + i + "]"));
          }
          return list;
        }
        break;
      case MAP:
        if (node.isObject()) {
          Map<String, Object> map = new LinkedHashMap<>();
          for (Map.Entry<String, JsonNode> entry : node.properties()) {
            map.put(
                entry.getKey(),
                read(entry.getValue(), schema.getValueType(), path + "." + entry.getKey()));
          }
          return map;
        }
        break;
      case FIXED:
        if (node.isTextual()) {
          byte[] bytes = base64(node, schema, path);
          if (bytes.length != schema.getFixedSize()) {
            throw new SerializationException(
                "Field '"
                    + path
                    + "' expects "
                    + schema.getFixedSize()
                    + " bytes (base64), got "
                    + bytes.length);
          }
          return model.createFixed(null, bytes, schema);
        }
        break;
      case STRING:
        if (node.isTextual()) {
          return node.textValue();
        }
        break;
      case BYTES:
        if (node.isTextual()) {
          return ByteBuffer.wrap(base64(node, schema, path));
        }
        break;
      case INT:
        if (node.isIntegralNumber() && node.canConvertToInt()) {
          return node.intValue();
        }
        break;
      case LONG:
        if (node.isIntegralNumber() && node.canConvertToLong()) {
          return node.longValue();
        }
        if (node.isTextual() && isTimestamp(schema)) {
          return parseTimestamp(node, schema, path);
        }
        break;
      case FLOAT:
        if (node.isNumber()) {
          return node.floatValue();
        }
        break;
      case DOUBLE:
        if (node.isNumber()) {
          return node.doubleValue();
        }
        break;
      case BOOLEAN:
        if (node.isBoolean()) {
          return node.booleanValue();
        }
        break;
      case NULL:
        if (node.isNull()) {
          return null;
        }
        break;
      default:
        throw new IllegalStateException("Unhandled Avro type " + schema.getType());
    }
    throw mismatch(node, schema, path);
  }

  private Object readRecord(JsonNode node, Schema schema, String path) {
    if (!node.isObject()) {
      throw mismatch(node, schema, path);
    }
    Object record = model.newRecord(null, schema);
    // Only schema fields are read: unknown JSON fields are skipped, so newer producers do not break
    // older readers.
    for (Schema.Field field : schema.getFields()) {
      String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
      JsonNode value = node.get(field.name());
      Object datum;
      if (value != null) {
        datum = read(value, field.schema(), fieldPath);
      } else if (field.hasDefaultValue()) {
        // the model caches one default instance per field; copy it so records never share a mutable
        // map or list
        datum = model.deepCopy(field.schema(), model.getDefaultValue(field));
      } else {
        throw new SerializationException(
            "Missing required field '"
                + fieldPath
                + "' ("
                + describe(field.schema())
                + ") in "
                + schema.getName());
      }
      model.setField(record, field.name(), field.pos(), datum);
    }
    return record;
  }

  private Object readUnion(JsonNode node, Schema union, String path) {
    List<Schema> branches =
        union.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
    if (node.isNull()) {
      if (branches.size() < union.getTypes().size()) {
        return null;
      }
      throw mismatch(node, union, path);
    }
    if (branches.size() == 1) {
      // the common nullable case: let the one branch report exactly what it wanted
      return read(node, branches.get(0), path);
    }
    for (Schema branch : branches) {
      try {
        return read(node, branch, path);
      } catch (SerializationException notThisBranch) {
        // try the next branch, in schema order, as Avro's own JSON resolution does
      }
    }
    throw mismatch(node, union, path);
  }

  private static byte[] base64(JsonNode node, Schema schema, String path) {
    try {
      return Base64.getDecoder().decode(node.textValue());
    } catch (IllegalArgumentException e) {
      throw new SerializationException(
          "Field '"
              + path
              + "' expects "
              + describe(schema)
              + " as base64, got invalid base64: "
              + e.getMessage());
    }
  }

  private static boolean isTimestamp(Schema schema) {
    return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
        || schema.getLogicalType() instanceof LogicalTypes.TimestampMicros;
  }

  private static long parseTimestamp(JsonNode node, Schema schema, String path) {
    try {
      Instant instant = Instant.parse(node.textValue());
      return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
          ? instant.toEpochMilli()
          : Math.addExact(
              Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new SerializationException(
          "Field '"
              + path
              + "' expects "
              + describe(schema)
              + " (epoch number or ISO-8601 instant such as 2024-05-01T12:00:00Z), got "
              + shown(node));
    }
  }

  private static SerializationException mismatch(JsonNode node, Schema schema, String path) {
    String where = path.isEmpty() ? "Record" : "Field '" + path + "'";
    return new SerializationException(
        where + " expects " + describe(schema) + ", got " + shown(node));
  }

  static String describe(Schema schema) {
    return switch (schema.getType()) {
      case RECORD -> "object " + schema.getName();
      case ENUM -> "one of " + schema.getEnumSymbols();
      case ARRAY -> "array of " + describe(schema.getElementType());
      case MAP -> "object of " + describe(schema.getValueType());
      case UNION ->
          String.join(" or ", schema.getTypes().stream().map(JsonDatumReader::describe).toList());
      case BYTES, FIXED -> "base64 " + schema.getType().getName();
      default ->
          schema.getType().getName()
              + (schema.getLogicalType() == null
                  ? ""
                  : " (" + schema.getLogicalType().getName() + ")");
    };
  }

  private static String shown(JsonNode node) {
    String type = node.getNodeType().name().toLowerCase();
    return node.isValueNode() && !node.isNull()
        ? type + " " + StringUtils.abbreviate(node.toString(), MAX_SHOWN_VALUE)
        : type;
  }
}
