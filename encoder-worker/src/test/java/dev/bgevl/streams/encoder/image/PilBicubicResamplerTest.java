package dev.bgevl.streams.encoder.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bgevl.streams.encoder.ImageLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Byte-exact parity with Pillow's bicubic resize (fixtures by tools/make_pil_fixtures.py). */
class PilBicubicResamplerTest {

  private final PilBicubicResampler resampler = new PilBicubicResampler();

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PilBicubicResamplerTest.class.getResourceAsStream("/pil/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /pil/" + name);
      }
      return in.readAllBytes();
    }
  }

  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"224,141", "29,18", "97,224", "50,61", "97,30", "300,300"})
  void shouldMatchPillowByteForByte(int width, int height) throws IOException {
    RgbImage source = new ImageDecoder(ImageLimits.DEFAULT).decode(resource("source-97x61.png"));
    byte[] expected = resource("resized-" + width + "x" + height + ".rgb");
    RgbImage resized = resampler.resize(source, width, height);
    assertEquals(width, resized.width());
    assertEquals(height, resized.height());
    assertArrayEquals(
        expected,
        resized.rgb(),
        "first differing byte at " + firstDifference(expected, resized.rgb()));
  }

  @Test
  void shouldKeepAConstantImageConstant() {
    byte[] grey = new byte[40 * 30 * 3];
    Arrays.fill(grey, (byte) 200);
    RgbImage out = resampler.resize(new RgbImage(40, 30, grey), 13, 77);
    for (byte b : out.rgb()) {
      assertEquals(200, b & 0xFF);
    }
  }

  @Test
  void shouldAntialiasWhenDownscaling() {
    // a one-pixel checkerboard shrunk 8x must come out mid-grey, not black-or-white aliasing
    int n = 64;
    byte[] px = new byte[n * n * 3];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        Arrays.fill(
            px, (y * n + x) * 3, (y * n + x) * 3 + 3, (byte) (((x + y) & 1) == 0 ? 255 : 0));
      }
    }
    RgbImage out = resampler.resize(new RgbImage(n, n, px), 8, 8);
    for (byte b : out.rgb()) {
      int v = b & 0xFF;
      assertEquals(127.5, v, 8.0);
    }
  }

  private static int firstDifference(byte[] a, byte[] b) {
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] != b[i]) {
        return i;
      }
    }
    return a.length == b.length ? -1 : Math.min(a.length, b.length);
  }
}
