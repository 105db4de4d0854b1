package dev.bgevl.streams.encoder.mllm;

import static dev.bgevl.streams.encoder.testkit.TinyBundle.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgevl.streams.encoder.testkit.TinyMllmBundle;
import org.junit.jupiter.api.Test;

/**
 * Java's Mistral token ids against transformers' (LlamaTokenizer in LlavaNextProcessor) on the
 * bundle's tokenizer.json: the CLIP suite's 247 strings plus the prompt templates wrapped around 60
 * of them and the special tokens (tools/make_mllm_reference.py).
 */
class MistralTokenizerTest {

  @Test
  void shouldEqualTransformersIdsOnEveryReferenceString() {
    JsonNode cases = TinyMllmBundle.tokenizerCases();
    assertTrue(cases.size() >= 200, "need at least 200 strings, have " + cases.size());
    try (MistralTokenizer tokenizer =
        new MistralTokenizer(MllmBundle.load(TinyMllmBundle.path()).tokenizerFile())) {
      for (JsonNode c : cases) {
        String text = c.get("text").asText();
        assertArrayEquals(
            longs(c.get("ids")), tokenizer.ids(text), () -> "ids differ for " + escape(text));
      }
    }
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(cp -> b.append(cp < 0x20 || cp > 0x7e ? String.format("\\u{%x}", cp) : (char) cp));
    return b.toString();
  }
}
