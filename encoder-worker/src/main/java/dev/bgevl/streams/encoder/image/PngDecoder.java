package dev.bgevl.streams.encoder.image;

import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.RejectReason;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNGs people send (8-bit RGB, RGBA, grey, grey+alpha and palette, and 16-bit RGB; not
 * interlaced) straight into RGB, as Pillow plus transformers' {@code convert_to_rgb} see them: zlib
 * through {@link Inflater}, the five row filters, then the same conversions as {@link
 * ImageDecoder}. The JDK's PNG reader builds a {@code BufferedImage} row by row and was about twice
 * Pillow's time; anything this class does not take answers null and goes to ImageIO.
 *
 * <p>Like Pillow it reads IDAT data only until the last row is complete, so a file cut after its
 * pixel data (no IEND, even no Adler-32) decodes, and one cut inside it is refused. Like Pillow it
 * ignores gAMA, iCCP and sRGB. Any tRNS makes transformers' {@code convert_to_rgb} go through RGBA:
 * the key colour of RGB or grey turns white, a palette's alphas are composited onto white. 16-bit
 * RGB with a key is left to ImageIO (not pinned against Pillow).
 */
final class PngDecoder {

  private static final long SIGNATURE = 0x89504E470D0A1A0AL;
  private static final int INFLATE_CHUNK_BYTES = 32 * 1024;

  private PngDecoder() {}

  static boolean isPng(byte[] b) {
    return b.length >= 8 && readLong(b, 0) == SIGNATURE;
  }

  /**
   * The image, or null when this PNG is of a kind left to ImageIO; tells {@code rows} (when not
   * null) each row as it becomes final.
   */
  static RgbImage decode(byte[] png, ImageLimits limits, RowsInFlight rows) {
    int i = 8;
    if (png.length < 33 || readInt(png, 12) != 0x49484452) { // IHDR
      return null;
    }
    int width = readInt(png, 16);
    int height = readInt(png, 20);
    int depth = png[24] & 0xFF;
    int colour = png[25] & 0xFF;
    int interlace = png[28] & 0xFF;
    int channels =
        switch (colour) {
          case 0, 3 -> 1;
          case 2 -> 3;
          case 4 -> 2;
          case 6 -> 4;
          default -> -1;
        };
    boolean supported =
        interlace == 0
            && width > 0
            && height > 0
            && channels > 0
            && (depth == 8 || (depth == 16 && colour == 2));
    if (!supported) {
      return null;
    }
    ImageDecoder.checkPixels(width, height, limits);
    int bytesPerPixel = channels * depth / 8;
    int stride = width * bytesPerPixel;
    byte[] palette = null;
    byte[] paletteAlpha = null;
    int greyKey = -1;
    int rgbKey = -1;
    Inflater inflater = new Inflater();
    try {
      // row by row, as Pillow does: unfilter one row against the row above and convert it to RGB
      // while both are still in the L1 cache (the first row's "row above" is all zeros, as the
      // spec says); but inflated 32 KB of rows per call, since each Inflater call costs ~1.7 us:
      // 0.8 ms of a 640x480 RGB PNG's 3.6 ms when paid per row
      byte[] rgb = new byte[width * height * 3];
      RgbImage image = new RgbImage(width, height, rgb);
      int rowLength = stride + 1;
      byte[] chunk = new byte[Math.max(1, INFLATE_CHUNK_BYTES / rowLength) * rowLength];
      int inflated = 0; // bytes of chunk holding inflated data
      int used = 0; // of those, bytes already taken as rows
      byte[] current = new byte[rowLength];
      byte[] above = new byte[rowLength];
      int y = 0;
      boolean inIdat = false;
      i = 8;
      while (y < height) {
        if (i + 8 > png.length) {
          throw truncated();
        }
        int length = readInt(png, i);
        int type = readInt(png, i + 4);
        int data = i + 8;
        if (length < 0 || data + (long) length + 4 > Integer.MAX_VALUE) {
          return null;
        }
        if (type == 0x49444154) { // IDAT: feed what is there, even a cut chunk, as Pillow does
          inIdat = true;
          int available = (int) Math.min(length, png.length - (long) data);
          inflater.setInput(png, data, available);
          while (y < height && !inflater.needsInput()) {
            int n = inflater.inflate(chunk, inflated, chunk.length - inflated);
            inflated += n;
            for (; y < height && inflated - used >= rowLength; y++, used += rowLength) {
              if (y == 0 && colour == 3 && palette == null) {
                return null;
              }
              System.arraycopy(chunk, used, current, 0, rowLength);
              unfilterRow(current, above, stride, bytesPerPixel, y);
              rowToRgb(
                  current,
                  rgb,
                  y * width * 3,
                  width,
                  colour,
                  depth,
                  palette,
                  paletteAlpha,
                  greyKey);
              if (rgbKey >= 0) {
                whitenKey(rgb, y * width * 3, (y + 1) * width * 3, rgbKey);
              }
              if (rows != null) {
                if (y == 0) {
                  rows.started(image);
                }
                rows.rowsDone(y + 1);
              }
              byte[] done = above;
              above = current;
              current = done;
            }
            if (inflated == chunk.length) {
              // keep the start of a row cut by the chunk's end, make room behind it
              System.arraycopy(chunk, used, chunk, 0, inflated - used);
              inflated -= used;
              used = 0;
            }
            if (n == 0 && (inflater.finished() || inflater.needsDictionary())) {
              break;
            }
          }
          if (y < height && (inflater.finished() || available < length)) {
            throw truncated();
          }
        } else if (inIdat) {
          throw truncated(); // the pixel data ended before the last row, as Pillow judges it
        } else if (type == 0x504C5445) { // PLTE
          palette = java.util.Arrays.copyOfRange(png, data, Math.min(png.length, data + length));
        } else if (type == 0x74524E53 && colour == 3) { // tRNS of a palette
          paletteAlpha =
              java.util.Arrays.copyOfRange(png, data, Math.min(png.length, data + length));
        } else if (type == 0x74524E53 && colour == 0 && length >= 2 && data + 2 <= png.length) {
          greyKey =
              (png[data] & 0xFF) << 8 | (png[data + 1] & 0xFF); // grey tRNS: that value turns white
        } else if (type == 0x74524E53 && colour == 2 && length >= 6 && data + 6 <= png.length) {
          if (depth != 8) {
            return null;
          }
          rgbKey =
              (png[data + 1] & 0xFF) << 16 | (png[data + 3] & 0xFF) << 8 | (png[data + 5] & 0xFF);
        } else if (type == 0x49454E44) { // IEND before any pixel data
          throw truncated();
        }
        i = data + length + 4;
      }
      return image;
    } catch (DataFormatException e) {
      throw new InvalidInputException(
          RejectReason.IMAGE_UNDECODABLE, "PNG pixel data is corrupt: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  private static InvalidInputException truncated() {
    return new InvalidInputException(
        RejectReason.IMAGE_UNDECODABLE,
        "image is truncated: the PNG data ends before the last pixel (Pillow refuses it too)");
  }

  /**
   * Undoes one row's filter in place: {@code row[0]} is the filter type, {@code row[1..stride]} the
   * bytes, {@code above} the previous row already unfiltered (zeros for the first row). The first
   * pixel is split out of the loops, so the hot loops carry no bounds tests.
   */
  private static void unfilterRow(byte[] row, byte[] above, int stride, int bpp, int y) {
    int filter = row[0] & 0xFF;
    switch (filter) {
      case 0 -> {}
      case 1 -> {
        for (int x = 1 + bpp; x <= stride; x++) {
          row[x] += row[x - bpp];
        }
      }
      case 2 -> {
        for (int x = 1; x <= stride; x++) {
          row[x] += above[x];
        }
      }
      case 3 -> {
        for (int x = 1; x <= bpp; x++) {
          row[x] += (byte) ((above[x] & 0xFF) >>> 1);
        }
        for (int x = 1 + bpp; x <= stride; x++) {
          row[x] += (byte) (((row[x - bpp] & 0xFF) + (above[x] & 0xFF)) >>> 1);
        }
      }
      case 4 -> {
        for (int x = 1; x <= bpp; x++) {
          row[x] += above[x]; // a = c = 0: Paeth picks the byte above
        }
        for (int x = 1 + bpp; x <= stride; x++) {
          int a = row[x - bpp] & 0xFF;
          int b = above[x] & 0xFF;
          int c = above[x - bpp] & 0xFF;
          int pa = Math.abs(b - c); // |p - a| with p = a + b - c
          int pb = Math.abs(a - c);
          int pc = Math.abs(a + b - c - c);
          // the spec's a-then-b-then-c order, written so the JIT emits conditional moves: photos
          // make the
          // branches of the textbook form unpredictable (measured 2x slower on noisy rows)
          int bc = pb <= pc ? b : c;
          row[x] += (byte) (pa <= Math.min(pb, pc) ? a : bc);
        }
      }
      default ->
          throw new InvalidInputException(
              RejectReason.IMAGE_UNDECODABLE,
              "PNG row " + y + " has an unknown filter type " + filter);
    }
  }

  /**
   * One unfiltered row ({@code row[1..]}) to RGB at {@code rgb[o..]}, as {@code convert_to_rgb}
   * sees it.
   */
  private static void rowToRgb(
      byte[] row,
      byte[] rgb,
      int o,
      int width,
      int colour,
      int depth,
      byte[] palette,
      byte[] paletteAlpha,
      int greyKey) {
    int p = 1;
    switch (colour) {
      case 2 -> {
        if (depth == 8) {
          System.arraycopy(row, 1, rgb, o, width * 3);
        } else {
          for (int x = 0; x < width * 3; x++, p += 2) {
            rgb[o++] = row[p]; // Pillow's RGB;16B keeps the high byte
          }
        }
      }
      case 6 -> {
        for (int x = 0; x < width; x++, p += 4) {
          int a = row[p + 3] & 0xFF;
          rgb[o++] = ImageDecoder.onWhite(row[p] & 0xFF, a);
          rgb[o++] = ImageDecoder.onWhite(row[p + 1] & 0xFF, a);
          rgb[o++] = ImageDecoder.onWhite(row[p + 2] & 0xFF, a);
        }
      }
      case 0 -> {
        // mode L with a transparency key converts to RGBA with that grey fully transparent: white
        // on white
        for (int x = 0; x < width; x++, p++) {
          byte grey = (row[p] & 0xFF) == greyKey ? (byte) 255 : row[p];
          rgb[o++] = grey;
          rgb[o++] = grey;
          rgb[o++] = grey;
        }
      }
      case 4 -> {
        for (int x = 0; x < width; x++, p += 2) {
          byte grey = ImageDecoder.onWhite(row[p] & 0xFF, row[p + 1] & 0xFF);
          rgb[o++] = grey;
          rgb[o++] = grey;
          rgb[o++] = grey;
        }
      }
      default -> { // palette: an index past the palette reads black, as Pillow's zero-filled
        // palette does
        for (int x = 0; x < width; x++, p++) {
          int index = row[p] & 0xFF;
          int a =
              paletteAlpha != null && index < paletteAlpha.length
                  ? paletteAlpha[index] & 0xFF
                  : 255;
          for (int c = 0; c < 3; c++) {
            int v = index * 3 + c < palette.length ? palette[index * 3 + c] & 0xFF : 0;
            rgb[o++] = paletteAlpha == null ? (byte) v : ImageDecoder.onWhite(v, a);
          }
        }
      }
    }
  }

  /**
   * RGB with a tRNS key: transformers converts to RGBA (the key fully transparent) and composites
   * onto white.
   */
  private static void whitenKey(byte[] rgb, int from, int to, int key) {
    for (int i = from; i < to; i += 3) {
      int v = (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF);
      if (v == key) {
        rgb[i] = (byte) 255;
        rgb[i + 1] = (byte) 255;
        rgb[i + 2] = (byte) 255;
      }
    }
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24
        | (b[at + 1] & 0xFF) << 16
        | (b[at + 2] & 0xFF) << 8
        | (b[at + 3] & 0xFF);
  }

  private static long readLong(byte[] b, int at) {
    return (long) readInt(b, at) << 32 | (readInt(b, at + 4) & 0xFFFFFFFFL);
  }
}
