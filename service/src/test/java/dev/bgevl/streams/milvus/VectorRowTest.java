package dev.bgevl.streams.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorRowTest {

  private static VectorRow row(String id, float[] vector, String text) {
    return new VectorRow(id, vector, text, "file:///a.png", Map.of("k", "v"), 5L, "tiny");
  }

  @Test
  void shouldCompareVectorsByContent() {
    VectorRow a = row("a", new float[] {1f, 2f}, "t");
    VectorRow b = row("a", new float[] {1f, 2f}, "t");

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, row("a", new float[] {1f, 3f}, "t"));
  }

  @Test
  void shouldCopyTheVectorInAndOut() {
    float[] vector = {1f, 2f};
    VectorRow row = row("a", vector, "t");
    vector[0] = 9f;
    row.vector()[1] = 9f;

    assertEquals(1f, row.vector()[0]);
    assertEquals(2f, row.vector()[1]);
  }

  @Test
  void shouldPrintNeitherVectorNorText() {
    String printed = row("a", new float[] {0.123f, 0.456f}, "secret caption").toString();

    assertTrue(printed.contains("dim=2"));
    assertFalse(printed.contains("0.123"));
    assertFalse(printed.contains("secret"));
  }

  @Test
  void shouldRejectRowsMilvusWouldRefuse() {
    assertThrows(IllegalArgumentException.class, () -> row("", new float[] {1f}, "t"));
    assertThrows(IllegalArgumentException.class, () -> row("é".repeat(257), new float[] {1f}, "t"));
    assertThrows(IllegalArgumentException.class, () -> row("a", new float[0], "t"));
    assertThrows(IllegalArgumentException.class, () -> row("a", new float[] {Float.NaN}, "t"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new VectorRow("a", new float[] {1f}, "", "u".repeat(2049), Map.of(), 0, "tiny"));
  }

  @Test
  void shouldDefaultMissingTextAndImageUriToEmpty() {
    VectorRow row = new VectorRow("a", new float[] {1f}, null, null, null, 0, "tiny");

    assertEquals("", row.text());
    assertEquals("", row.imageUri());
    assertEquals(Map.of(), row.metadata());
  }

  @Test
  void shouldTruncateTextToTheFieldsByteLimitWithoutSplittingACharacter() {
    String text = "a" + "😀".repeat(3000); // 1 + 12000 bytes

    String truncated = RowMapper.truncateUtf8(text, 8192);

    assertTrue(truncated.getBytes(StandardCharsets.UTF_8).length <= 8192);
    assertEquals(
        1 + 2047 * 2,
        truncated.length()); // 1 + 2047 * 4 = 8189 bytes; one more emoji would not fit
    assertEquals("short", RowMapper.truncateUtf8("short", 8192));
  }

  @Test
  void shouldMapARowToMilvusFields() {
    JsonObject json = RowMapper.toRow(row("a\"b", new float[] {0.5f, -0.5f}, "t"));

    assertEquals("a\"b", json.get("id").getAsString());
    assertEquals(2, json.getAsJsonArray("vector").size());
    assertEquals("v", json.getAsJsonObject("metadata").get("k").getAsString());
    assertEquals(5L, json.get("event_time").getAsLong());
    assertEquals("tiny", json.get("model").getAsString());
    assertEquals("file:///a.png", json.get("image_uri").getAsString());
  }

  @Test
  void shouldBuildAnEscapedIdListForDeletes() {
    assertEquals(
        "id in [\"plain\", \"q\\\"uote\", \"back\\\\slash\", \"new\\nline\"]",
        MilvusVectorSink.idIn(List.of("plain", "q\"uote", "back\\slash", "new\nline", "plain")));
  }
}
