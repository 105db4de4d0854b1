package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.encoder.image.PilBicubicResampler;
import dev.bgevl.streams.encoder.image.RgbImage;

/**
 * BGE-VL-MLLM's image front end: decode, then {@code resize((512, 512))} with PIL's default filter
 * for the file's mode (see {@link ResizeFilter}). The reference resizes on the original mode and
 * converts to RGB afterwards; for RGB, grey and palette images that is the same as converting
 * first, 8-bit images with alpha take {@link AlphaResizer}'s path and CMYK JPEGs {@link
 * CmykResizer}'s.
 */
final class MllmImageLoader {

  private final ImageDecoder decoder;
  private final int width;
  private final int height;
  private final PilBicubicResampler bicubic = new PilBicubicResampler();
  private final PilNearestResampler nearest = new PilNearestResampler();
  private final AlphaResizer alpha = new AlphaResizer();
  private final CmykResizer cmyk = new CmykResizer();

  MllmImageLoader(ImageDecoder decoder, int width, int height) {
    this.decoder = decoder;
    this.width = width;
    this.height = height;
  }

  RgbImage load(byte[] encoded) {
    // decoding first applies the size limits and rejects what does not decode
    RgbImage rgb = decoder.decode(encoded);
    if (ResizeFilter.of(encoded) == ResizeFilter.NEAREST) {
      return nearest.resize(rgb, width, height);
    }
    if (AlphaResizer.mayHaveAlpha(encoded)) {
      RgbImage resized = alpha.resize(encoded, width, height);
      if (resized != null) {
        return resized;
      }
    }
    RgbImage fromCmyk = cmyk.resize(encoded, rgb, width, height);
    return fromCmyk != null ? fromCmyk : bicubic.resize(rgb, width, height);
  }
}
