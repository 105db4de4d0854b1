package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.encoder.image.PilBicubicResampler;
import dev.bgevl.streams.encoder.image.RgbImage;

/**
 * BGE-VL-MLLM's image front end: decode, then {@code resize((512, 512))} with PIL's default filter
 * for the file's mode (see {@link ResizeFilter}). The reference resizes on the original mode and
 * converts to RGB afterwards; for RGB, grey and palette images that is the same as converting first,
 * for images with alpha, CMYK and 16-bit ones it differs slightly (the parity test names them).
 */
final class MllmImageLoader {

  private final ImageDecoder decoder;
  private final int width;
  private final int height;
  private final PilBicubicResampler bicubic = new PilBicubicResampler();
  private final PilNearestResampler nearest = new PilNearestResampler();

  MllmImageLoader(ImageDecoder decoder, int width, int height) {
    this.decoder = decoder;
    this.width = width;
    this.height = height;
  }

  RgbImage load(byte[] encoded) {
    RgbImage rgb = decoder.decode(encoded);
    return ResizeFilter.of(encoded) == ResizeFilter.NEAREST
        ? nearest.resize(rgb, width, height)
        : bicubic.resize(rgb, width, height);
  }
}
