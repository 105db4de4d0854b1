package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.image.RgbImage;

/**
 * Resizes like PIL's {@code Image.resize(size, NEAREST)}, the filter PIL uses for palette and 1-bit
 * images: Pillow's {@code ImagingScaleAffine}, whose source coordinate starts at half a step and is
 * advanced by repeated addition (so the rounding of the sum, not of {@code (x + 0.5) * scale},
 * decides which source pixel is taken).
 */
final class PilNearestResampler {

  RgbImage resize(RgbImage image, int width, int height) {
    if (width == image.width() && height == image.height()) {
      return image;
    }
    int[] xs = sourceIndex(image.width(), width);
    int[] ys = sourceIndex(image.height(), height);
    byte[] src = image.rgb();
    byte[] out = new byte[width * height * 3];
    int o = 0;
    for (int y = 0; y < height; y++) {
      int row = ys[y] * image.width();
      for (int x = 0; x < width; x++) {
        int p = (row + xs[x]) * 3;
        out[o++] = src[p];
        out[o++] = src[p + 1];
        out[o++] = src[p + 2];
      }
    }
    return new RgbImage(width, height, out);
  }

  private static int[] sourceIndex(int inSize, int outSize) {
    double step = (double) inSize / outSize;
    double at = step * 0.5;
    int[] idx = new int[outSize];
    for (int i = 0; i < outSize; i++) {
      idx[i] = Math.min(inSize - 1, (int) at);
      at += step;
    }
    return idx;
  }
}
