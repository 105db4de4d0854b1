package dev.bgevl.streams.encoder.image;

/**
 * Tells whether a GIF's first frame has all its pixels, as Pillow's decoder judges it.
 *
 * <p>Pillow reads LZW data only in whole sub-blocks and stops as soon as the frame's last pixel is
 * written; if the file ends first, {@code load()} raises "image file is truncated". The JDK's GIF
 * reader instead returns the part it got and leaves the rest blank, so this walks the first frame's
 * LZW codes (counting pixels, never storing them) to refuse what Pillow refuses.
 */
final class GifData {

  private static final int MAX_CODES = 4096;

  private GifData() {}

  static boolean isGif(byte[] b) {
    return b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8';
  }

  /**
   * True when the first frame's image data is complete; false when the file ends before its last
   * pixel.
   */
  static boolean firstFrameComplete(byte[] gif) {
    int i = 13;
    if (gif.length < i) {
      return false;
    }
    int flags = gif[10] & 0xFF;
    if ((flags & 0x80) != 0) {
      i += 3 << ((flags & 7) + 1); // global colour table
    }
    while (i < gif.length) {
      int block = gif[i] & 0xFF;
      if (block == 0x21) { // extension: label, then sub-blocks
        i = skipSubBlocks(gif, i + 2);
        if (i < 0) {
          return false;
        }
      } else if (block == 0x2C) {
        return imageComplete(gif, i);
      } else {
        return true; // trailer or junk before any frame: the reader decides
      }
    }
    return false;
  }

  /**
   * {@code gif} with a block terminator and trailer appended. Pillow stops reading once the frame's
   * last pixel is written, so it accepts a file cut just after the image data; the JDK reader
   * insists on the terminator and the trailer, and ignores whatever follows the first frame.
   */
  static byte[] withTrailer(byte[] gif) {
    byte[] out = java.util.Arrays.copyOf(gif, gif.length + 2);
    out[gif.length + 1] = 0x3B;
    return out;
  }

  private static int skipSubBlocks(byte[] gif, int i) {
    while (i < gif.length) {
      int n = gif[i] & 0xFF;
      if (n == 0) {
        return i + 1;
      }
      i += n + 1;
    }
    return -1;
  }

  private static boolean imageComplete(byte[] gif, int at) {
    if (at + 11 > gif.length) {
      return false;
    }
    long width = (gif[at + 5] & 0xFF) | (gif[at + 6] & 0xFF) << 8;
    long height = (gif[at + 7] & 0xFF) | (gif[at + 8] & 0xFF) << 8;
    int flags = gif[at + 9] & 0xFF;
    int i = at + 10;
    if ((flags & 0x80) != 0) {
      i += 3 << ((flags & 7) + 1); // local colour table
    }
    if (i >= gif.length) {
      return false;
    }
    int minCodeSize = gif[i++] & 0xFF;
    if (minCodeSize < 1 || minCodeSize > 11) {
      return true; // corrupt, not truncated: left to the reader
    }
    return new LzwCounter(minCodeSize).reachesPixels(gif, i, width * height);
  }

  /** Follows the LZW code stream far enough to know how many pixels it yields. */
  private static final class LzwCounter {
    private final int clear;
    private final int end;
    private final int[] lengths = new int[MAX_CODES];
    private final int minCodeSize;

    LzwCounter(int minCodeSize) {
      this.minCodeSize = minCodeSize;
      this.clear = 1 << minCodeSize;
      this.end = clear + 1;
      for (int c = 0; c < clear; c++) {
        lengths[c] = 1;
      }
    }

    boolean reachesPixels(byte[] gif, int i, long pixels) {
      int codeSize = minCodeSize + 1;
      int next = end + 1;
      int previous = -1;
      long bits = 0;
      int bitCount = 0;
      long produced = 0;
      while (true) {
        int blockEnd = i;
        if (i >= gif.length) {
          return false;
        }
        int n = gif[i] & 0xFF;
        if (n == 0 || i + 1 + n > gif.length) {
          // Pillow decodes whole sub-blocks only: a partial last block counts as missing
          return false;
        }
        i++;
        blockEnd = i + n;
        while (i < blockEnd || bitCount >= codeSize) {
          while (bitCount < codeSize && i < blockEnd) {
            bits |= (long) (gif[i++] & 0xFF) << bitCount;
            bitCount += 8;
          }
          if (bitCount < codeSize) {
            break;
          }
          int code = (int) (bits & ((1 << codeSize) - 1));
          bits >>>= codeSize;
          bitCount -= codeSize;
          if (code == clear) {
            codeSize = minCodeSize + 1;
            next = end + 1;
            previous = -1;
            continue;
          }
          if (code == end) {
            return true; // an early end code is the encoder's choice, not truncation
          }
          int length;
          if (previous < 0) {
            length = code < clear ? 1 : 0;
          } else if (code < next) {
            length = lengths[code];
          } else {
            length = lengths[previous] + 1; // the KwKwK case
          }
          if (length == 0) {
            return true; // corrupt stream: left to the reader
          }
          produced += length;
          if (produced >= pixels) {
            return true;
          }
          if (previous >= 0 && next < MAX_CODES) {
            lengths[next] = lengths[previous] + 1;
            next++;
            if (next == 1 << codeSize && codeSize < 12) {
              codeSize++;
            }
          }
          previous = code;
        }
      }
    }
  }
}
