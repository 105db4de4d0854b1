package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.image.PilBicubicResampler;
import dev.bgevl.streams.encoder.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * PIL's {@code resize} of an RGBA or LA image followed by {@code convert("RGB")}, which is what
 * BGE-VL-MLLM does to such images: premultiply alpha (Pillow's RGBa/La), resample every channel,
 * un-premultiply, then drop alpha. Transparent areas come out black-ish, not white as when the
 * alpha is composited first (the CLIP path's rule), so these images need their own path.
 */
final class AlphaResizer {

  private final PilBicubicResampler bicubic = new PilBicubicResampler();

  /**
   * Whether the file may carry 8-bit alpha worth a second, raw decode: PNG grey/RGB + alpha, WebP.
   */
  static boolean mayHaveAlpha(byte[] b) {
    boolean png =
        b.length > 25 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    if (png) {
      int colourType = b[25] & 0xFF;
      return (colourType == 4 || colourType == 6) && (b[24] & 0xFF) == 8;
    }
    return b.length > 12
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P';
  }

  /** The resized RGB image, or {@code null} when the file has no 8-bit alpha after all. */
  RgbImage resize(byte[] encoded, int width, int height) {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(encoded));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (image == null
        || !image.getColorModel().hasAlpha()
        || image.getColorModel() instanceof IndexColorModel) {
      return null;
    }
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    if ((bands != 2 && bands != 4) || raster.getSampleModel().getSampleSize(0) != 8) {
      return null;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] premultiplied = new byte[w * h * 3];
    byte[] alpha = new byte[w * h * 3];
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int p = x * bands;
        int a = row[p + bands - 1];
        int o = (y * w + x) * 3;
        for (int c = 0; c < 3; c++) {
          int v = bands == 2 ? row[p] : row[p + c];
          premultiplied[o + c] = (byte) mulDiv255(v, a);
          alpha[o + c] = (byte) a;
        }
      }
    }
    // PIL resamples the four channels independently with the same kernel, so two 3-channel passes
    // agree
    RgbImage colour = bicubic.resize(new RgbImage(w, h, premultiplied), width, height);
    RgbImage alphaResized = bicubic.resize(new RgbImage(w, h, alpha), width, height);
    byte[] out = colour.rgb().clone();
    byte[] as = alphaResized.rgb();
    for (int i = 0; i < out.length; i += 3) {
      int a = as[i] & 0xFF;
      if (a != 0 && a != 255) {
        for (int c = 0; c < 3; c++) {
          out[i + c] = (byte) Math.min(255, (255 * (out[i + c] & 0xFF)) / a);
        }
      }
    }
    return new RgbImage(width, height, out);
  }

  /** Pillow's MULDIV255: a * b / 255, rounded, in integers. */
  static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }
}
