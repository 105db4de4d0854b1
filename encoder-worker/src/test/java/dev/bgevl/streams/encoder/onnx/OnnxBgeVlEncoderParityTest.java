package dev.bgevl.streams.encoder.onnx;

import static dev.bgevl.streams.encoder.testkit.TinyBundle.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.UnitVectors;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Java embeddings against the reference (PyTorch + transformers + the BGE-VL fusion rule) on the
 * same weights and inputs.
 *
 * <p>Tolerance: cosine >= 0.9999 per vector, and max absolute difference <= 2e-4 per component of
 * the unit vectors, for every image: all decode bit-exactly as Pillow does (PNG, GIF, WebP lossy
 * and lossless through libwebp, JPEG RGB/EXIF-rotated/CMYK and with Display P3, Adobe RGB or
 * linear-RGB ICC profiles, which Pillow ignores). ONNX Runtime and PyTorch sum in different orders,
 * which costs about 1e-5 on raw projections (measured at most 6.2e-7 on the unit vectors).
 */
class OnnxBgeVlEncoderParityTest {

  static final double MIN_COSINE = 0.9999;
  static final double MAX_ABS_DIFF = 2e-4;

  static OnnxBgeVlEncoder encoder;
  static JsonNode reference;

  @BeforeAll
  static void open() {
    encoder =
        OnnxBgeVlEncoder.open(
            ModelBundle.load(TinyBundle.path()), EncoderConfig.DEFAULT.withIntraOpThreads(2));
    reference = TinyBundle.reference();
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  static byte[] image(String file) throws IOException {
    return Files.readAllBytes(TinyBundle.referenceDir().resolve(file));
  }

  static float[] vector(EncodeResult result) {
    assertTrue(result instanceof EncodeResult.Encoded, "expected an embedding, got " + result);
    return ((EncodeResult.Encoded) result).vector();
  }

  static double maxAbsDiff(float[] expected, float[] actual) {
    double maxDiff = 0;
    for (int i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
    }
    return maxDiff;
  }

  static void assertClose(float[] expected, float[] actual, double maxAbs, String what) {
    assertClose(expected, actual, MIN_COSINE, maxAbs, what);
  }

  static void assertCloseForImage(String file, float[] expected, float[] actual, String what) {
    assertClose(expected, actual, MIN_COSINE, MAX_ABS_DIFF, what);
  }

  static void assertClose(
      float[] expected, float[] actual, double minCosine, double maxAbs, String what) {
    assertEquals(expected.length, actual.length, what + ": dimension");
    double cosine = UnitVectors.dot(expected, actual);
    double maxDiff = maxAbsDiff(expected, actual);
    assertTrue(cosine >= minCosine, what + ": cosine " + cosine + " < " + minCosine);
    assertTrue(maxDiff <= maxAbs, what + ": max abs diff " + maxDiff + " > " + maxAbs);
    assertEquals(1.0, UnitVectors.dot(actual, actual), 1e-5, what + ": unit length");
  }

  @Test
  void shouldMatchReferenceImageEmbeddingsForEveryFormat() throws IOException {
    List<EncodeInput> inputs = new ArrayList<>();
    for (JsonNode img : reference.get("images")) {
      inputs.add(EncodeInput.image(image(img.get("file").asText())));
    }
    List<EncodeResult> results = encoder.encode(inputs);
    StringBuilder report = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode img = reference.get("images").get(i);
      float[] expected = floats(img.get("image_embedding"));
      report
          .append(img.get("file").asText())
          .append('=')
          .append(maxAbsDiff(expected, vector(results.get(i))))
          .append(' ');
    }
    System.out.println("Image embedding max abs diff vs PyTorch: " + report);
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode img = reference.get("images").get(i);
      String file = img.get("file").asText();
      assertCloseForImage(
          file,
          floats(img.get("image_embedding")),
          vector(results.get(i)),
          file + " (all: " + report + ")");
    }
  }

  /** The decoding fixtures of tools/make_image_fixtures.py: lossy WebP, ICC-tagged JPEG, GIF. */
  @Test
  void shouldMatchReferenceEmbeddingsOfTheDecodingFixtures() throws IOException {
    java.nio.file.Path dir = TinyBundle.referenceDir().resolve("decoding");
    JsonNode images = TinyBundle.json(dir.resolve("decoding.json")).get("images");
    List<EncodeInput> inputs = new ArrayList<>();
    for (JsonNode img : images) {
      inputs.add(EncodeInput.image(Files.readAllBytes(dir.resolve(img.get("file").asText()))));
    }
    List<EncodeResult> results = encoder.encode(inputs);
    double worstCosine = 1;
    for (int i = 0; i < inputs.size(); i++) {
      worstCosine =
          Math.min(
              worstCosine,
              UnitVectors.dot(
                  floats(images.get(i).get("image_embedding")), vector(results.get(i))));
    }
    System.out.println(
        "Decoding fixtures: " + inputs.size() + " images, worst cosine to PyTorch " + worstCosine);
    for (int i = 0; i < inputs.size(); i++) {
      String file = images.get(i).get("file").asText();
      assertClose(
          floats(images.get(i).get("image_embedding")), vector(results.get(i)), MAX_ABS_DIFF, file);
    }
  }

  @Test
  void shouldMatchReferenceTextEmbeddings() {
    List<EncodeInput> inputs = new ArrayList<>();
    for (JsonNode t : reference.get("texts")) {
      inputs.add(EncodeInput.text(t.get("text").asText()));
    }
    List<EncodeResult> results = encoder.encode(inputs);
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode t = reference.get("texts").get(i);
      assertClose(
          floats(t.get("text_embedding")),
          vector(results.get(i)),
          MAX_ABS_DIFF,
          "text #"
              + i
              + " '"
              + t.get("text").asText().substring(0, Math.min(20, t.get("text").asText().length()))
              + "'");
    }
  }

  @Test
  void shouldMatchReferenceComposedEmbeddings() throws IOException {
    List<EncodeInput> inputs = new ArrayList<>();
    for (JsonNode c : reference.get("composed")) {
      inputs.add(EncodeInput.composed(image(c.get("image").asText()), c.get("text").asText()));
    }
    List<EncodeResult> results = encoder.encode(inputs);
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode c = reference.get("composed").get(i);
      assertCloseForImage(
          c.get("image").asText(),
          floats(c.get("composed_embedding")),
          vector(results.get(i)),
          "composed #" + i);
    }
  }
}
