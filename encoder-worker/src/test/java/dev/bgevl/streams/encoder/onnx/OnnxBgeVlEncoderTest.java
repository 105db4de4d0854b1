package dev.bgevl.streams.encoder.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.EncoderException;
import dev.bgevl.streams.encoder.Precision;
import dev.bgevl.streams.encoder.RejectReason;
import dev.bgevl.streams.encoder.UnitVectors;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batch behaviour of the ONNX encoder on the tiny real model. */
class OnnxBgeVlEncoderTest {

  static OnnxBgeVlEncoder encoder;
  static byte[] photo;
  static byte[] wide;

  @BeforeAll
  static void open() throws IOException {
    encoder =
        OnnxBgeVlEncoder.open(
            ModelBundle.load(TinyBundle.path()), EncoderConfig.DEFAULT.withIntraOpThreads(2));
    photo = Files.readAllBytes(TinyBundle.referenceDir().resolve("photo.jpg"));
    wide = Files.readAllBytes(TinyBundle.referenceDir().resolve("wide_gradient.png"));
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  static float[] vector(EncodeResult r) {
    return assertInstanceOf(EncodeResult.Encoded.class, r).vector();
  }

  @Test
  void shouldReportModelFromManifest() {
    assertEquals("bge-vl-tiny-random", encoder.model().id());
    assertEquals(64, encoder.model().dimension());
    assertEquals("cpu", encoder.device().toString());
  }

  @Test
  void shouldRejectOnlyTheBadImageOfABatch() {
    List<EncodeResult> results =
        encoder.encode(
            List.of(
                EncodeInput.image(photo),
                EncodeInput.image("not an image".getBytes()),
                EncodeInput.text("a cat"),
                EncodeInput.composed(new byte[] {1, 2, 3}, "a dog"),
                EncodeInput.composed(wide, "at night")));
    vector(results.get(0));
    EncodeResult.Rejected rejected = assertInstanceOf(EncodeResult.Rejected.class, results.get(1));
    assertEquals(RejectReason.IMAGE_UNDECODABLE, rejected.reason());
    vector(results.get(2));
    assertInstanceOf(EncodeResult.Rejected.class, results.get(3));
    vector(results.get(4));
  }

  @Test
  void shouldGiveTheSameEmbeddingInABatchAsAlone() {
    float[] alone =
        vector(encoder.encode(List.of(EncodeInput.composed(wide, "make it dark"))).get(0));
    List<EncodeResult> batch =
        encoder.encode(
            List.of(
                EncodeInput.text("a much longer text that pads the others"),
                EncodeInput.image(photo),
                EncodeInput.composed(wide, "make it dark")));
    assertArrayEquals(alone, vector(batch.get(2)), 1e-5f);
  }

  @Test
  void shouldEncodeExactlyAsPrepareThenInferWhateverThreadsPrepared() {
    // encode() spreads preparation over its workers: one image in row bands, several one per
    // thread; the vectors must be those of the plain one-thread prepare()
    List<List<EncodeInput>> batches =
        List.of(
            List.of(EncodeInput.image(photo)),
            List.of(EncodeInput.text("a caption"), EncodeInput.composed(wide, "wider")),
            List.of(
                EncodeInput.image(photo),
                EncodeInput.image(wide),
                EncodeInput.composed(photo, "a photo"),
                EncodeInput.text("text only")));
    for (List<EncodeInput> batch : batches) {
      List<EncodeResult> encoded = encoder.encode(batch);
      List<EncodeResult> staged = encoder.infer(batch.stream().map(encoder::prepare).toList());
      assertEquals(staged.size(), encoded.size());
      for (int i = 0; i < staged.size(); i++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            vector(staged.get(i)), vector(encoded.get(i)), "input " + i + " of " + batch);
      }
    }
  }

  @Test
  void shouldEncodeALoneImageExactlyWhileItsRowsAreStillDecoding() throws IOException {
    // a lone image is resampled band by band while it decodes (sequential JPEG, PNG) or after it
    // (every other kind): either way the vector, or the refusal, must be the one-thread prepare()'s
    List<java.nio.file.Path> files = new java.util.ArrayList<>();
    for (var dir :
        List.of(TinyBundle.referenceDir(), TinyBundle.referenceDir().resolve("decoding"))) {
      try (var listing = Files.list(dir)) {
        listing
            .filter(f -> f.toString().matches(".*\\.(jpg|png|webp|gif)$"))
            .sorted()
            .forEach(files::add);
      }
    }
    assertTrue(files.size() >= 30, "fixtures found: " + files);
    List<EncodeInput> inputs = new java.util.ArrayList<>();
    List<String> names = new java.util.ArrayList<>();
    for (java.nio.file.Path file : files) {
      inputs.add(EncodeInput.image(Files.readAllBytes(file)));
      names.add(file.getFileName().toString());
    }
    // cut in the middle of the pixel data: refused, as Pillow refuses them
    for (String name : List.of("photo.jpg", "wide_gradient.png")) {
      byte[] whole = Files.readAllBytes(TinyBundle.referenceDir().resolve(name));
      inputs.add(EncodeInput.image(java.util.Arrays.copyOf(whole, whole.length / 2)));
      names.add("half of " + name);
    }
    int rejected = 0;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int f = 0; f < inputs.size(); f++) {
        EncodeInput input = inputs.get(f);
        String file = names.get(f);
        EncodeResult alone = encoder.encode(List.of(input)).get(0);
        EncodeResult staged = encoder.infer(List.of(encoder.prepare(input))).get(0);
        // as a batcher's lone query image is prepared: with its pool's idle thread helping
        EncodeResult helped = encoder.infer(List.of(encoder.prepare(input, pool, 1))).get(0);
        if (staged instanceof EncodeResult.Rejected refusal) {
          rejected++;
          assertEquals(refusal, alone, file);
          assertEquals(refusal, helped, file);
        } else {
          assertArrayEquals(vector(staged), vector(alone), file);
          assertArrayEquals(vector(staged), vector(helped), file);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, rejected, "the two halves are refused, nothing else");
  }

  @Test
  void shouldFuseRawProjectionsNotNormalizedOnes() {
    float[] image = vector(encoder.encode(List.of(EncodeInput.image(wide))).get(0));
    float[] text = vector(encoder.encode(List.of(EncodeInput.text("at night"))).get(0));
    float[] composed =
        vector(encoder.encode(List.of(EncodeInput.composed(wide, "at night"))).get(0));
    float[] sumOfUnits = new float[image.length];
    for (int i = 0; i < sumOfUnits.length; i++) {
      sumOfUnits[i] = image[i] + text[i];
    }
    // raw projections differ in norm, so the BGE-VL rule leans to the longer one; the mean of unit
    // vectors would not
    assertTrue(
        UnitVectors.dot(composed, UnitVectors.normalize(sumOfUnits)) < 0.99999,
        "composed embedding equals the normalized sum of unit vectors: fusion must sum raw projections");
  }

  @Test
  void shouldTruncateLongTextsInsteadOfFailing() {
    String longText = "word ".repeat(500);
    float[] v = vector(encoder.encode(List.of(EncodeInput.text(longText))).get(0));
    assertEquals(1.0, UnitVectors.dot(v, v), 1e-5);
  }

  @Test
  void shouldEncodeEmptyBatch() {
    assertEquals(List.of(), encoder.encode(List.of()));
  }

  @Test
  void shouldFailAtStartWhenFp16IsAskedButNotExported() {
    EncoderConfig fp16 =
        new EncoderConfig(
            EncoderConfig.DEFAULT.device(),
            Precision.FP16,
            false,
            1,
            EncoderConfig.DEFAULT.imageLimits());
    EncoderException e =
        assertThrows(
            EncoderException.class,
            () -> OnnxBgeVlEncoder.open(ModelBundle.load(TinyBundle.path()), fp16));
    assertTrue(e.getMessage().contains("fp16"), e.getMessage());
  }
}
