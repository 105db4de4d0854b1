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
 * <p>The RGB conversion follows PIL's {@code Image.convert("RGB")}, which the reference
 * preprocessing uses: alpha is dropped (not composited), grey is copied to all three channels,
 * palette entries are looked up, embedded colour profiles and EXIF orientation are ignored.
 * 16-bit samples keep their high byte.
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
    int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      int o = y * w * 3;
      for (int x = 0; x < w; x++) {
        int p = x * bands;
        if (grey) {
          byte v = (byte) (row[p] >> shift);
          rgb[o++] = v;
          rgb[o++] = v;
          rgb[o++] = v;
        } else {
          rgb[o++] = (byte) (row[p] >> shift);
          rgb[o++] = (byte) (row[p + 1] >> shift);
          rgb[o++] = (byte) (row[p + 2] >> shift);
        }
      }
    }
    return new RgbImage(w, h, rgb);
  }

  private static void copyViaArgb(BufferedImage image, byte[] rgb) {
    int w = image.getWidth();
    int[] row = new int[w];
    for (int y = 0; y < image.getHeight(); y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      int o = y * w * 3;
      for (int argb : row) {
        rgb[o++] = (byte) (argb >> 16);
        rgb[o++] = (byte) (argb >> 8);
        rgb[o++] = (byte) argb;
      }
    }
  }
}
