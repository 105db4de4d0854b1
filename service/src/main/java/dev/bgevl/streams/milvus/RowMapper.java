package dev.bgevl.streams.milvus;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps {@link VectorRow}s to Milvus rows and Milvus entities to {@link SearchHit}s. */
final class RowMapper {

  private static final Logger log = LoggerFactory.getLogger(RowMapper.class);

  private RowMapper() {}

  static JsonObject toRow(VectorRow row) {
    JsonObject json = new JsonObject();
    json.addProperty(MediaCollectionSchema.ID, row.id());
    JsonArray vector = new JsonArray(row.vectorView().length);
    for (float v : row.vectorView()) {
      vector.add(v);
    }
    json.add(MediaCollectionSchema.VECTOR, vector);
    String text = truncateUtf8(row.text(), MediaCollectionSchema.TEXT_MAX_BYTES);
    if (text.length() != row.text().length()) {
      log.debug(
          "Truncated text id={} chars={} keptChars={} maxBytes={}",
          row.id(),
          row.text().length(),
          text.length(),
          MediaCollectionSchema.TEXT_MAX_BYTES);
    }
    json.addProperty(MediaCollectionSchema.TEXT, text);
    json.addProperty(MediaCollectionSchema.IMAGE_URI, row.imageUri());
    JsonObject metadata = new JsonObject();
    row.metadata().forEach(metadata::addProperty);
    json.add(MediaCollectionSchema.METADATA, metadata);
    json.addProperty(MediaCollectionSchema.EVENT_TIME, row.eventTime());
    json.addProperty(MediaCollectionSchema.MODEL, row.model());
    return json;
  }

  static SearchHit toHit(Object id, float score, Map<String, Object> entity) {
    return new SearchHit(
        String.valueOf(id),
        score,
        asString(entity.get(MediaCollectionSchema.TEXT)),
        asString(entity.get(MediaCollectionSchema.IMAGE_URI)),
        metadata(entity.get(MediaCollectionSchema.METADATA)));
  }

  /**
   * The longest prefix of {@code text} whose UTF-8 encoding fits {@code maxBytes}, never splitting
   * a character.
   */
  static String truncateUtf8(String text, int maxBytes) {
    if (text.length() * 3L <= maxBytes) {
      return text; // even all-BMP-worst-case 3 bytes per char fits
    }
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer in = CharBuffer.wrap(text);
    ByteBuffer out = ByteBuffer.allocate(maxBytes);
    encoder.encode(in, out, true); // stops at the first character that no longer fits
    return text.substring(0, in.position());
  }

  private static String asString(Object value) {
    return value == null ? "" : value.toString();
  }

  private static Map<String, String> metadata(Object value) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonElement json;
    if (value == null) {
      json = null;
    } else if (value instanceof JsonElement element) {
      json = element;
    } else {
      json = JsonParser.parseString(value.toString());
    }
    if (json != null && json.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : json.getAsJsonObject().entrySet()) {
        JsonElement v = e.getValue();
        out.put(e.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
      }
    }
    return out;
  }
}
