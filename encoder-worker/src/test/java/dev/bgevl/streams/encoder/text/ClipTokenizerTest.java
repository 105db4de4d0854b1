package dev.bgevl.streams.encoder.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token ids against transformers' CLIPTokenizer (truncation at 77) on the reference texts and on
 * the edge cases of {@code reference/tokenizer_cases.json} (see tools/tokenizer_cases.py).
 */
class ClipTokenizerTest {

  static ClipTokenizer tokenizer;

  @BeforeAll
  static void open() {
    ModelBundle bundle = ModelBundle.load(TinyBundle.path());
    tokenizer = new ClipTokenizer(bundle.tokenizerFile(), bundle.manifest().text());
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void shouldMatchTransformersIds() {
    for (JsonNode t : TinyBundle.reference().get("texts")) {
      assertArrayEquals(
          TinyBundle.longs(t.get("input_ids")),
          tokenizer.ids(t.get("text").asText()),
          "ids of '" + t.get("text").asText() + "'");
    }
  }

  /**
   * Every case at once, so one run lists all mismatches. transformers 5.x applies no ftfy or
   * html.unescape (unlike OpenAI CLIP), only tokenizer.json's normalizer, so no Java-side
   * normalisation is needed: HTML entities and odd whitespace are tokenized as they are.
   */
  @Test
  void shouldMatchTransformersOnEveryCase() throws IOException {
    JsonNode cases =
        new ObjectMapper()
            .readTree(TinyBundle.referenceDir().resolve("tokenizer_cases.json").toFile())
            .get("cases");
    assertTrue(cases.size() >= 200, "expected at least 200 cases, got " + cases.size());
    StringBuilder mismatches = new StringBuilder();
    int failed = 0;
    for (JsonNode c : cases) {
      String text = c.get("text").asText();
      long[] expected = TinyBundle.longs(c.get("input_ids"));
      long[] actual = tokenizer.ids(text);
      if (!Arrays.equals(expected, actual)) {
        failed++;
        mismatches
            .append("\n  ")
            .append(new ObjectMapper().writeValueAsString(text))
            .append("\n    expected ")
            .append(Arrays.toString(expected))
            .append("\n    actual   ")
            .append(Arrays.toString(actual));
      }
    }
    assertEquals(
        0, failed, failed + " of " + cases.size() + " texts tokenize differently:" + mismatches);
  }

  @Test
  void shouldTruncateTo77TokensEndingWithEos() {
    long[] ids = tokenizer.ids("tree ".repeat(300));
    assertEquals(77, ids.length);
    assertEquals(49406, ids[0]);
    assertEquals(49407, ids[76]);
  }

  @Test
  void shouldTokenizeEmptyTextAsBosEos() {
    assertArrayEquals(new long[] {49406, 49407}, tokenizer.ids(""));
  }

  @Test
  void shouldPadABatchToItsLongestRowWithMaskZero() {
    TokenBatch batch = tokenizer.tokenize(List.of("a", "a photo of a red cat"));
    assertEquals(2, batch.batch());
    assertArrayEquals(tokenizer.ids("a"), batch.row(0));
    assertArrayEquals(tokenizer.ids("a photo of a red cat"), batch.row(1));
    int len = batch.length();
    assertEquals(0, batch.attentionMask()[len - 1]);
    assertEquals(49407, batch.ids()[len - 1]);
  }
}
