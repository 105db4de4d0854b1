package dev.bgevl.streams.encoder.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Our preprocessed tensors against transformers' CLIPImageProcessor (PIL backend) on every
 * reference image, with a tolerance per format (normalized units; one grey level is about 0.015):
 * 1e-5 for every format, float rounding only (measured at most 4.8e-7): PNG (8- and 16-bit, grey,
 * grey+alpha, palette, RGBA), WebP (lossless, and lossy through libwebp itself, as Pillow) and JPEG
 * (RGB 4:4:4, RGB 4:2:0 with EXIF, CMYK). Decoding and the PIL-exact resize are bit-exact; for
 * these JPEGs the JDK's libjpeg 6b agrees with Pillow's libjpeg-turbo bit for bit (both islow IDCT,
 * fancy upsampling), so any drift here means our decoding path changed, not the libraries.
 */
class ClipImagePreprocessorTest {

  static final double PIXEL_TOLERANCE_EXACT = 1e-5;

  static double tolerance(String file) {
    return PIXEL_TOLERANCE_EXACT;
  }

  @Test
  void shouldReproduceReferencePixelsForEveryFormat() throws IOException {
    ModelBundle bundle = ModelBundle.load(TinyBundle.path());
    ClipImagePreprocessor preprocessor = new ClipImagePreprocessor(bundle.manifest().image());
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    StringBuilder report = new StringBuilder();
    StringBuilder failures = new StringBuilder();
    for (JsonNode img : TinyBundle.reference().get("images")) {
      String file = img.get("file").asText();
      float[] ours =
          preprocessor.preprocess(
              decoder.decode(Files.readAllBytes(TinyBundle.referenceDir().resolve(file))));
      ByteBuffer ref =
          ByteBuffer.wrap(
                  Files.readAllBytes(
                      TinyBundle.referenceDir().resolve(img.get("pixels_file").asText())))
              .order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(ours.length * 4, ref.capacity(), file + ": tensor size");
      double maxDiff = 0;
      for (float v : ours) {
        maxDiff = Math.max(maxDiff, Math.abs(v - ref.getFloat()));
      }
      report.append(file).append('=').append(maxDiff).append(' ');
      if (maxDiff > tolerance(file)) {
        failures
            .append(file)
            .append(": max abs pixel diff ")
            .append(maxDiff)
            .append(" > ")
            .append(tolerance(file))
            .append("; ");
      }
    }
    System.out.println("Preprocessing max abs diff vs transformers: " + report);
    assertTrue(failures.isEmpty(), failures + "(all: " + report + ")");
  }

  /**
   * The fused resize-crop-normalize must give the same floats as resizing the whole image, cropping
   * and then normalizing, on every shape: landscape, portrait, square, already 224 on one or both
   * sides, upscaled.
   */
  @Test
  void shouldGiveTheSameFloatsAsAFullResizeThenCrop() {
    ModelBundle bundle = ModelBundle.load(TinyBundle.path());
    var spec = bundle.manifest().image();
    ClipImagePreprocessor preprocessor = new ClipImagePreprocessor(spec);
    java.util.Random random = new java.util.Random(20261202);
    int[][] sizes = {
      {224, 224},
      {224, 300},
      {300, 224},
      {225, 224},
      {37, 23},
      {1, 1},
      {1920, 1080},
      {480, 640},
      {999, 224},
      {224, 999},
      {223, 500}
    };
    java.util.List<int[]> all = new java.util.ArrayList<>(java.util.Arrays.asList(sizes));
    for (int i = 0; i < 12; i++) {
      all.add(new int[] {1 + random.nextInt(700), 1 + random.nextInt(700)});
    }
    for (int[] size : all) {
      byte[] rgb = new byte[size[0] * size[1] * 3];
      random.nextBytes(rgb);
      RgbImage image = new RgbImage(size[0], size[1], rgb);
      RgbImage resized = preprocessor.resizeShortestEdge(image);
      int crop = preprocessor.cropSize();
      int top = (resized.height() - crop) / 2;
      int left = (resized.width() - crop) / 2;
      float[] expected = new float[preprocessor.tensorSize()];
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < crop; y++) {
          for (int x = 0; x < crop; x++) {
            float v = resized.sample(x + left, y + top, c) * (float) spec.rescaleFactor();
            expected[c * crop * crop + y * crop + x] = (v - spec.mean()[c]) / spec.std()[c];
          }
        }
      }
      float[] fused = preprocessor.preprocess(image);
      org.junit.jupiter.api.Assertions.assertArrayEquals(expected, fused, size[0] + "x" + size[1]);
    }
  }

  @Test
  void shouldWriteExactlyTheWholeTensorWhenPreprocessedInRowBands() {
    ClipImagePreprocessor preprocessor =
        new ClipImagePreprocessor(ModelBundle.load(TinyBundle.path()).manifest().image());
    java.util.Random random = new java.util.Random(20261203);
    int crop = preprocessor.cropSize();
    // downscaled (both passes), exact height (no vertical pass), exact size (no pass), upscaled
    int[][] sizes = {{640, 480}, {300, 224}, {224, 224}, {64, 64}, {37, 23}, {224, 999}};
    for (int[] size : sizes) {
      byte[] rgb = new byte[size[0] * size[1] * 3];
      random.nextBytes(rgb);
      RgbImage image = new RgbImage(size[0], size[1], rgb);
      float[] whole = preprocessor.preprocess(image);
      for (int bands : new int[] {2, 3, 7, crop}) {
        float[] banded = new float[preprocessor.tensorSize()];
        for (int b = 0; b < bands; b++) {
          preprocessor.preprocessRows(image, banded, 0, b * crop / bands, (b + 1) * crop / bands);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            whole, banded, size[0] + "x" + size[1] + " in " + bands + " bands");
      }
    }
  }
}
