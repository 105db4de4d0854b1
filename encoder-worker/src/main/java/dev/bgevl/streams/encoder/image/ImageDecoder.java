package dev.bgevl.streams.encoder.image;

import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.RejectReason;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image bytes into {@link RgbImage}, refusing oversize input before any pixel is decoded.
 *
 * <p>The RGB conversion follows transformers' {@code convert_to_rgb}, which the reference
 * preprocessing uses: anything with alpha (or a transparent palette entry) is composited onto
 * white with PIL's {@code alpha_composite} arithmetic, grey is copied to all three channels,
 * palette entries are looked up, embedded colour profiles and EXIF orientation are ignored (the
 * reference ignores them too). 16-bit samples keep their high byte.
 */
public final class ImageDecoder {

  private final ImageLimits limits;

  public ImageDecoder(ImageLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Decodes {@code bytes}; throws {@link InvalidInputException} for bad or oversize images. */
  public RgbImage decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new InvalidInputException(RejectReason.IMAGE_UNDECODABLE, "image is empty (0 bytes)");
    }
    if (bytes.length > limits.maxBytes()) {
      throw new InvalidInputException(RejectReason.IMAGE_TOO_LARGE,
          "image is " + bytes.length + " bytes, above the limit of " + limits.maxBytes());
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidInputException(RejectReason.IMAGE_UNDECODABLE,
            "image format not recognised (" + bytes.length + " bytes)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > limits.maxPixels()) {
          throw new InvalidInputException(RejectReason.IMAGE_TOO_LARGE,
              "image is " + reader.getWidth(0) + "x" + reader.getHeight(0) + " = " + pixels
                  + " pixels, above the limit of " + limits.maxPixels());
        }
        return toRgb(reader.read(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException invalid) {
        throw invalid;
      }
      // decoders signal truncated or corrupt data with assorted runtime exceptions
      throw new InvalidInputException(RejectReason.IMAGE_UNDECODABLE,
          "image does not decode: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  static RgbImage toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] rgb = new byte[w * h * 3];
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    if (cm instanceof IndexColorModel || bands < 1 || bands > 4) {
      copyViaArgb(image, rgb);
      return new RgbImage(w, h, rgb);
    }
    // grey (+alpha) has 1-2 bands; colour (+alpha) 3-4; alpha, when present, is the last band
    boolean grey = bands <= 2;
    boolean alpha = cm.hasAlpha();
    int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      int o = y * w * 3;
      for (int x = 0; x < w; x++) {
        int p = x * bands;
        int r = row[p] >> shift;
        int g = grey ? r : row[p + 1] >> shift;
        int b = grey ? r : row[p + 2] >> shift;
        int a = alpha ? row[p + bands - 1] >> shift : 255;
        rgb[o++] = onWhite(r, a);
        rgb[o++] = onWhite(g, a);
        rgb[o++] = onWhite(b, a);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  /**
   * One channel of PIL's {@code alpha_composite(white, pixel)}, in its own 7-bit fixed point, so
   * half-transparent pixels round exactly as the reference's do.
   */
  static byte onWhite(int channel, int alpha) {
    if (alpha == 255) {
      return (byte) channel;
    }
    if (alpha == 0) {
      return (byte) 255;
    }
    long coef1 = (long) alpha << 7; // alpha*255*255*128 / (255*255): the background is opaque
    long coef2 = (255L << 7) - coef1;
    long tmp = channel * coef1 + 255 * coef2 + (0x80L << 7);
    return (byte) ((((tmp >> 8) + tmp) >> 8) >> 7);
  }

  private static void copyViaArgb(BufferedImage image, byte[] rgb) {
    int w = image.getWidth();
    int[] row = new int[w];
    for (int y = 0; y < image.getHeight(); y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      int o = y * w * 3;
      for (int argb : row) {
        int a = argb >>> 24;
        rgb[o++] = onWhite((argb >> 16) & 0xFF, a);
        rgb[o++] = onWhite((argb >> 8) & 0xFF, a);
        rgb[o++] = onWhite(argb & 0xFF, a);
      }
    }
  }
}
