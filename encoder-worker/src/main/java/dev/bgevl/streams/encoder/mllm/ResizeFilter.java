package dev.bgevl.streams.encoder.mllm;

/**
 * The filter PIL's {@code Image.resize} picks by default for an encoded image: NEAREST for palette
 * ("P") and 1-bit ("1") images, BICUBIC for everything else. The mode is read from the file header,
 * since decoding has already turned the pixels into RGB.
 */
enum ResizeFilter {
  NEAREST,
  BICUBIC;

  static ResizeFilter of(byte[] encoded) {
    if (isPng(encoded) && encoded.length > 25) {
      int bitDepth = encoded[24] & 0xFF;
      int colourType = encoded[25] & 0xFF;
      // colour type 3 = palette; a 1-bit greyscale PNG opens as mode "1"
      return colourType == 3 || (colourType == 0 && bitDepth == 1) ? NEAREST : BICUBIC;
    }
    if (encoded.length > 6 && encoded[0] == 'G' && encoded[1] == 'I' && encoded[2] == 'F') {
      return NEAREST;
    }
    if (encoded.length > 29 && encoded[0] == 'B' && encoded[1] == 'M') {
      int bitsPerPixel = (encoded[28] & 0xFF) | (encoded[29] & 0xFF) << 8;
      return bitsPerPixel <= 8 ? NEAREST : BICUBIC;
    }
    return BICUBIC;
  }

  private static boolean isPng(byte[] b) {
    return b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
  }
}
