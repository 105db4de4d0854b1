package dev.bgevl.streams.encoder.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token ids against transformers' CLIPTokenizer (truncation at 77) on the committed reference texts. */
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
      assertArrayEquals(TinyBundle.longs(t.get("input_ids")), tokenizer.ids(t.get("text").asText()),
          "ids of '" + t.get("text").asText() + "'");
    }
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
