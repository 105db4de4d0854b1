package dev.bgevl.streams.encoder.mllm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.encoder.image.RgbImage;
import dev.bgevl.streams.encoder.testkit.TinyMllmBundle;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Anyres preprocessing against LlavaNextImageProcessorPil on the CLIP suite's hard images: every
 * uint8 stage byte-exact (sha256 of the 512x512 RGB, the grid resize, each tile), the float tiles
 * to 1e-6, and the image-token count; grid choice and token counts for other sizes from
 * transformers.
 *
 * <p>Two images are left out of the byte-exact checks: lossy.webp (TwelveMonkeys' VP8 decoder
 * differs from libwebp by a few grey levels, see ClipImagePreprocessorTest) and gray16.png (PIL
 * resamples the 16-bit samples and clips to 8 bits afterwards; the shared decoder hands us 8-bit
 * samples, clipped before resizing). Their embeddings are checked in OnnxMllmEncoderParityTest.
 */
class AnyresTilerTest {

  static final MllmManifest MANIFEST = MllmBundle.load(TinyMllmBundle.path()).manifest();
  static final AnyresTiler TILER =
      new AnyresTiler(
          MANIFEST.mllm().tileSize(), MANIFEST.mllm().gridPinpoints(), MANIFEST.image());
  static final FeaturePacker PACKER =
      new FeaturePacker(TILER, 336, 24, new float[MANIFEST.embeddingDim()]);
  static final MllmImageLoader LOADER =
      new MllmImageLoader(new ImageDecoder(ImageLimits.DEFAULT), 512, 512);

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void shouldReproduceEveryPreprocessingStageOfTheReference() throws Exception {
    int checked = 0;
    for (JsonNode img : TinyMllmBundle.reference().get("images")) {
      String file = img.get("file").asText();
      if (file.endsWith("lossy.webp") || file.endsWith("gray16.png")) {
        continue;
      }
      RgbImage rgb = LOADER.load(TinyMllmBundle.image(file));
      assertEquals(img.get("rgb512_sha256").asText(), sha256(rgb.rgb()), file + ": 512x512 RGB");
      int[] best = TILER.bestResolution(rgb.height(), rgb.width());
      assertEquals(img.get("best_resolution_hw").get(0).asInt(), best[0], file);
      assertEquals(img.get("best_resolution_hw").get(1).asInt(), best[1], file);
      RgbImage grid = TILER.resizeForGrid(rgb);
      assertEquals(img.get("grid_resized_hw").get(0).asInt(), grid.height(), file);
      assertEquals(img.get("grid_resized_hw").get(1).asInt(), grid.width(), file);
      assertEquals(
          img.get("grid_resized_sha256").asText(), sha256(grid.rgb()), file + ": grid resize");
      assertEquals(
          img.get("tile_sha256").get(0).asText(),
          sha256(TILER.baseView(rgb).rgb()),
          file + ": base view");
      int tiles = TILER.tileCount(rgb.height(), rgb.width());
      assertEquals(img.get("tiles").asInt(), tiles, file);
      float[] pixels = new float[tiles * TILER.tileValues()];
      assertEquals(tiles, TILER.tiles(rgb, pixels, 0));
      for (JsonNode s : img.get("pixel_samples")) {
        int at =
            ((s.get(0).asInt() * 3 + s.get(1).asInt()) * 336 + s.get(2).asInt()) * 336
                + s.get(3).asInt();
        assertEquals(s.get(4).asDouble(), pixels[at], 1e-6, file + " sample " + s);
      }
      for (int t = 0; t < tiles; t++) {
        for (int c = 0; c < 3; c++) {
          double sum = 0;
          int plane = 336 * 336;
          for (int i = 0; i < plane; i++) {
            sum += pixels[(t * 3 + c) * plane + i];
          }
          assertEquals(
              img.get("pixels_mean_per_tile_channel").get(t).get(c).asDouble(),
              sum / plane,
              1e-5,
              file + " tile " + t + " channel " + c);
        }
      }
      assertEquals(
          img.get("image_tokens").asInt(), PACKER.tokenCount(rgb.height(), rgb.width()), file);
      checked++;
    }
    assertEquals(14, checked);
  }

  @Test
  void shouldChooseTheGridAndTokenCountTransformersDoes() {
    // {height, width, best height, best width, image tokens}: select_best_resolution and
    // LlavaNextProcessor._get_number_of_features - 1 (strategy "default") in transformers 5.24
    int[][] table = {
      {512, 512, 672, 672, 2928},
      {300, 800, 336, 1008, 2136},
      {800, 300, 1008, 336, 2176},
      {336, 336, 336, 672, 1176},
      {100, 1000, 336, 1008, 1160},
      {1000, 100, 1008, 336, 1224},
      {672, 1008, 672, 672, 2144},
      {37, 23, 336, 672, 936},
      {1080, 1920, 672, 672, 1948},
    };
    for (int[] row : table) {
      assertArrayEquals(
          new int[] {row[2], row[3]}, TILER.bestResolution(row[0], row[1]), row[0] + "x" + row[1]);
      assertEquals(row[4], PACKER.tokenCount(row[0], row[1]), row[0] + "x" + row[1]);
    }
  }

  @Test
  void shouldPadANonSquareImageCentredWithBlack() {
    // 300x800 (h x w) -> grid 336x1008, height-bound: width ceil(800 * (336 / 300)) = 897 in
    // doubles
    // (800 * 1.12 is 896.0000000000001), as transformers' get_patch_output_size computes it
    RgbImage white = new RgbImage(800, 300, filled(800 * 300 * 3, (byte) 255));
    RgbImage grid = TILER.resizeForGrid(white);
    assertEquals(336, grid.height());
    assertEquals(897, grid.width());
    float[] pixels = new float[TILER.tileCount(300, 800) * TILER.tileValues()];
    TILER.tiles(white, pixels, 0);
    int firstGridTile = TILER.tileValues();
    float black = (0 - MANIFEST.image().mean()[0]) / MANIFEST.image().std()[0];
    float whiteValue = (1f - MANIFEST.image().mean()[0]) / MANIFEST.image().std()[0];
    // (1008 - 897) / 2 = 55 black columns on the left of the first grid tile, then the image
    assertEquals(black, pixels[firstGridTile + 54], 1e-6);
    assertEquals(whiteValue, pixels[firstGridTile + 55], 1e-6);
  }

  static byte[] filled(int n, byte v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, v);
    return b;
  }
}
