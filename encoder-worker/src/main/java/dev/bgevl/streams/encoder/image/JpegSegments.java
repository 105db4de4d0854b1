package dev.bgevl.streams.encoder.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads and edits the marker segments in front of a JPEG's first scan.
 *
 * <p>Why edit: Pillow decodes a JPEG's samples and ignores an embedded ICC profile (it only keeps
 * it in {@code info["icc_profile"]}), while the ImageIO readers colour-convert through it, which
 * moved a Display P3 photo's embedding to cosine 0.988. Dropping the profile's APP2 segments before
 * decoding gives the readers what Pillow decodes.
 */
final class JpegSegments {

  private static final byte[] ICC_TAG = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

  private JpegSegments() {}

  static boolean isJpeg(byte[] b) {
    return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
  }

  /**
   * {@code jpeg} without its {@code APP2 ICC_PROFILE} segments; the same array when it has none.
   */
  static byte[] withoutIccProfile(byte[] jpeg) {
    ByteArrayOutputStream out = null;
    int copiedUpTo = 0;
    int i = 2;
    while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        break; // the scan starts: no more header segments
      }
      int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
      if (marker == 0xE2 && isIcc(jpeg, i + 4, length - 2)) {
        if (out == null) {
          out = new ByteArrayOutputStream(jpeg.length);
        }
        out.write(jpeg, copiedUpTo, i - copiedUpTo);
        copiedUpTo = Math.min(jpeg.length, i + 2 + length);
      }
      i += 2 + length;
    }
    if (out == null) {
      return jpeg;
    }
    out.write(jpeg, copiedUpTo, jpeg.length - copiedUpTo);
    return out.toByteArray();
  }

  /**
   * True when an EOI marker follows the first scan. Pillow's libjpeg-turbo reads with a suspending
   * source: when the data ends before a marker closes the last scan (even if only the EOI's two
   * bytes are missing), it asks for more and Pillow raises "image file is truncated". The JDK's
   * libjpeg pads such a file silently, so this check is what refuses it. Inside entropy-coded data
   * a 0xFF is always followed by 0x00 (stuffing) or a restart marker, so the first other marker is
   * real.
   */
  static boolean hasEndOfImage(byte[] jpeg) {
    int i = firstScan(jpeg);
    if (i < 0) {
      return false;
    }
    while (i + 1 < jpeg.length) {
      if ((jpeg[i] & 0xFF) != 0xFF) {
        i++;
        continue;
      }
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xD9) {
        return true;
      }
      if (marker == 0x00 || marker == 0xFF || (marker >= 0xD0 && marker <= 0xD7)) {
        i += marker == 0xFF ? 1 : 2;
        continue;
      }
      // a segment between scans (progressive: DHT, SOS, ...): skip its body, whose bytes are not
      // entropy data
      if (i + 3 >= jpeg.length) {
        return false;
      }
      i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
    }
    return false;
  }

  /**
   * The component count of the frame header (1 grey, 3 colour, 4 CMYK/YCCK), or -1 when there is
   * none.
   */
  static int components(byte[] jpeg) {
    int sof = frameHeader(jpeg);
    return sof >= 0 && sof + 9 < jpeg.length ? jpeg[sof + 9] & 0xFF : -1;
  }

  /**
   * True for a sequential (baseline or extended Huffman) JPEG whose first scan holds every
   * component: its rows come out of the decoder final and top to bottom. A progressive one refines
   * every row scan after scan, and so does libjpeg for a sequential one with a scan per component
   * (it buffers the image and writes each row again after each scan).
   */
  static boolean isSequential(byte[] jpeg) {
    int sof = frameHeader(jpeg);
    int sos = scanHeader(jpeg);
    return sof >= 0
        && sos >= 0
        && sof + 9 < jpeg.length
        && sos + 4 < jpeg.length
        && ((jpeg[sof + 1] & 0xFF) == 0xC0 || (jpeg[sof + 1] & 0xFF) == 0xC1)
        && jpeg[sos + 4] == jpeg[sof + 9]; // the scan's component count is the frame's
  }

  /** Index of the frame header (SOFn) marker, or -1 when the header segments end first. */
  private static int frameHeader(byte[] jpeg) {
    int i = 2;
    while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++;
        continue;
      }
      boolean sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        return i;
      }
      if (marker == 0xDA) {
        return -1;
      }
      i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
    }
    return -1;
  }

  /** Index just past the first SOS segment's header, or -1 when the header segments end first. */
  private static int firstScan(byte[] jpeg) {
    int sos = scanHeader(jpeg);
    return sos < 0 ? -1 : sos + 2 + (((jpeg[sos + 2] & 0xFF) << 8) | (jpeg[sos + 3] & 0xFF));
  }

  /** Index of the first SOS marker, or -1 when the header segments end first. */
  private static int scanHeader(byte[] jpeg) {
    int i = 2;
    while (i + 4 <= jpeg.length) {
      if ((jpeg[i] & 0xFF) != 0xFF) {
        return -1;
      }
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++;
        continue;
      }
      if (marker == 0xDA) {
        return i;
      }
      i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
    }
    return -1;
  }

  private static boolean isIcc(byte[] b, int from, int length) {
    if (length < ICC_TAG.length || from + ICC_TAG.length > b.length) {
      return false;
    }
    for (int k = 0; k < ICC_TAG.length; k++) {
      if (b[from + k] != ICC_TAG[k]) {
        return false;
      }
    }
    return true;
  }
}
