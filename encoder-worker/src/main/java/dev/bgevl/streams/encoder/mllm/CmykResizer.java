package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.image.PilBicubicResampler;
import dev.bgevl.streams.encoder.image.RgbImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * PIL's {@code resize} of a CMYK JPEG followed by {@code convert("RGB")}: the four ink channels are
 * resampled first and converted after ({@code cmyk2rgb}: {@code r = (255-k) - (255-k)*c/255}),
 * which is not the same as converting first because the conversion multiplies channels.
 */
final class CmykResizer {

  private final PilBicubicResampler bicubic = new PilBicubicResampler();

  /**
   * The resized RGB image, or {@code null} when {@code encoded} is not a plain CMYK JPEG. A file is
   * taken as one only when PIL's conversion of its raw samples reproduces {@code decoded} exactly,
   * the RGB the shared decoder made of it (so YCCK and other 4-channel JPEGs stay on the plain
   * path).
   */
  RgbImage resize(byte[] encoded, RgbImage decoded, int width, int height) {
    if (encoded.length < 4 || (encoded[0] & 0xFF) != 0xFF || (encoded[1] & 0xFF) != 0xD8) {
      return null;
    }
    Raster raster = rawRaster(encoded);
    if (raster == null
        || raster.getNumBands() != 4
        || raster.getWidth() != decoded.width()
        || raster.getHeight() != decoded.height()) {
      return null;
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] cmy = new byte[w * h * 3];
    byte[] k = new byte[w * h * 3];
    int[] row = new int[w * 4];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        // JPEG stores CMYK inverted; PIL's "CMYK;I" unpack turns it back into ink amounts
        for (int c = 0; c < 3; c++) {
          cmy[o + c] = (byte) (255 - row[x * 4 + c]);
          k[o + c] = (byte) (255 - row[x * 4 + 3]);
        }
      }
    }
    if (!Arrays.equals(toRgb(cmy, k), decoded.rgb())) {
      return null;
    }
    byte[] rgb =
        toRgb(
            bicubic.resize(new RgbImage(w, h, cmy), width, height).rgb(),
            bicubic.resize(new RgbImage(w, h, k), width, height).rgb());
    return new RgbImage(width, height, rgb);
  }

  /** Pillow's {@code cmyk2rgb}, per pixel. */
  private static byte[] toRgb(byte[] cmy, byte[] k) {
    byte[] rgb = new byte[cmy.length];
    for (int i = 0; i < cmy.length; i++) {
      int notK = 255 - (k[i] & 0xFF);
      rgb[i] = (byte) (notK - AlphaResizer.mulDiv255(cmy[i] & 0xFF, notK));
    }
    return rgb;
  }

  private static Raster rawRaster(byte[] encoded) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return reader.readRaster(0, null);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
