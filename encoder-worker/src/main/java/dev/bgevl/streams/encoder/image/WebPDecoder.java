package dev.bgevl.streams.encoder.image;

import com.luciad.imageio.webp.WebP;
import com.luciad.imageio.webp.WebPDecoderOptions;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.RejectReason;
import java.io.IOException;

/**
 * WebP through libwebp itself (the JNI build inside {@code com.github.gotson:webp-imageio}), the
 * library Pillow decodes WebP with, so lossy files get the same VP8 reconstruction and the same
 * "fancy" chroma upsampling bit for bit.
 *
 * <p>Pillow opens WebP through libwebp's demuxer, which refuses a file shorter than its RIFF header
 * says; so do we, before libwebp sees it (libwebp's plain decoder would decode part of a truncated
 * lossy file). Animated WebP is refused: libwebp's still-image decoder does not read it, where
 * Pillow would embed its first frame.
 */
final class WebPDecoder {

  private WebPDecoder() {}

  static boolean isWebP(byte[] b) {
    return b.length >= 16
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P';
  }

  static RgbImage decode(byte[] bytes, ImageLimits limits) {
    long riffSize =
        (bytes[4] & 0xFFL)
            | (bytes[5] & 0xFFL) << 8
            | (bytes[6] & 0xFFL) << 16
            | (bytes[7] & 0xFFL) << 24;
    if (bytes.length < riffSize + 8) {
      throw new InvalidInputException(
          RejectReason.IMAGE_UNDECODABLE,
          "WebP is truncated: "
              + bytes.length
              + " bytes where its RIFF header announces "
              + (riffSize + 8));
    }
    try {
      int[] size = WebP.getInfo(bytes, 0, bytes.length);
      ImageDecoder.checkPixels(size[0], size[1], limits);
      int[] info = new int[4];
      int[] argb = WebP.decode(new WebPDecoderOptions(), bytes, 0, bytes.length, info);
      return toRgb(argb, info[1], info[2], info[3] != 0);
    } catch (IOException e) {
      throw new InvalidInputException(
          RejectReason.IMAGE_UNDECODABLE, "WebP does not decode: " + e.getMessage());
    } catch (LinkageError e) {
      // libwebp ships for Linux, macOS and Windows (x86-64, arm64) glibc builds; elsewhere WebP is
      // refused, not fatal
      throw new InvalidInputException(
          RejectReason.IMAGE_UNDECODABLE,
          "WebP cannot be decoded on this platform (libwebp did not load: " + e + ")");
    }
  }

  /** libwebp's non-premultiplied ARGB to RGB, alpha composited onto white as transformers does. */
  private static RgbImage toRgb(int[] argb, int width, int height, boolean alpha) {
    byte[] rgb = new byte[width * height * 3];
    int o = 0;
    for (int i = 0; i < width * height; i++) {
      int p = argb[i];
      int a = alpha ? p >>> 24 : 255;
      rgb[o++] = ImageDecoder.onWhite((p >> 16) & 0xFF, a);
      rgb[o++] = ImageDecoder.onWhite((p >> 8) & 0xFF, a);
      rgb[o++] = ImageDecoder.onWhite(p & 0xFF, a);
    }
    return new RgbImage(width, height, rgb);
  }
}
