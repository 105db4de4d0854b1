package dev.bgevl.streams.encoder.mllm;

import static dev.bgevl.streams.encoder.testkit.TinyBundle.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.UnitVectors;
import dev.bgevl.streams.encoder.testkit.TinyMllmBundle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Java MLLM embeddings against transformers' LLaVA-NeXT on the same tiny weights
 * (tools/make_mllm_reference.py): every case's prompt and token ids exactly, its embedding to
 * cosine >= 0.9999, alone and inside one mixed batch.
 */
class OnnxMllmEncoderParityTest {

  static final double MIN_COSINE = 0.9999;

  static OnnxMllmEncoder encoder;
  static JsonNode reference;

  @BeforeAll
  static void open() {
    encoder = OnnxMllmEncoder.open(MllmBundle.load(TinyMllmBundle.path()), EncoderConfig.DEFAULT.withIntraOpThreads(2));
    reference = TinyMllmBundle.reference();
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  static EncodeInput input(JsonNode c) {
    byte[] image = c.hasNonNull("image_file")
        ? TinyMllmBundle.image("tiny-bgevl/reference/" + c.get("image_file").asText()) : null;
    String text = c.hasNonNull("text") ? c.get("text").asText() : null;
    if (!c.get("query").asBoolean()) {
      return new EncodeInput(image, text);
    }
    return EncodeInput.query(image, text, c.hasNonNull("instruction") ? c.get("instruction").asText() : null);
  }

  static List<JsonNode> cases() {
    List<JsonNode> out = new ArrayList<>();
    reference.get("cases").forEach(out::add);
    return out;
  }

  @Test
  void shouldBuildEveryReferencePromptByteForByte() {
    for (JsonNode c : cases()) {
      assertEquals(c.get("prompt").asText(), encoder.prompt(input(c)), c.get("name").asText());
    }
  }

  @Test
  void shouldMatchReferenceEmbeddingsOneByOne() {
    StringBuilder report = new StringBuilder();
    double worst = 1;
    for (JsonNode c : cases()) {
      EncodeResult r = encoder.encode(List.of(input(c))).get(0);
      assertTrue(r instanceof EncodeResult.Encoded, c.get("name").asText() + ": " + r);
      double cos = UnitVectors.dot(((EncodeResult.Encoded) r).vector(), floats(c.get("embedding")));
      worst = Math.min(worst, cos);
      report.append(c.get("name").asText()).append(' ').append(cos).append('\n');
    }
    System.out.println(report);
    assertTrue(worst >= MIN_COSINE, "worst cosine " + worst + "\n" + report);
  }
}
