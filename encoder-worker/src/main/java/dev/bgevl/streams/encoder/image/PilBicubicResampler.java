package dev.bgevl.streams.encoder.image;

/**
 * Resizes like PIL's {@code Image.resize(size, BICUBIC)}, so our pixels equal the reference's.
 *
 * <p>PIL resamples with a separable convolution whose support widens with the downscale factor
 * (so it antialiases), horizontal pass first, in 22-bit fixed point with rounding to 8 bits
 * after each pass. A plain affine bicubic does none of this and misses by tens of grey levels on
 * downscaled photos. This is a port of Pillow's {@code Resample.c} for 8-bit images.
 */
public final class PilBicubicResampler {

  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double BICUBIC_SUPPORT = 2.0;
  private static final double A = -0.5;

  /** Returns {@code image} resized to {@code width} x {@code height}. */
  public RgbImage resize(RgbImage image, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("target size must be positive: " + width + "x" + height);
    }
    Coefficients horizontal = Coefficients.of(image.width(), width);
    Coefficients vertical = Coefficients.of(image.height(), height);
    boolean needHorizontal = width != image.width();
    boolean needVertical = height != image.height();
    RgbImage current = image;
    int firstRow = 0;
    if (needHorizontal) {
      // only rows the vertical pass reads are resampled horizontally, as PIL does
      firstRow = needVertical ? vertical.min[0] : 0;
      int lastRow = needVertical ? vertical.min[height - 1] + vertical.count[height - 1] : image.height();
      current = horizontalPass(image, width, firstRow, lastRow, horizontal);
    }
    if (needVertical) {
      current = verticalPass(current, height, firstRow, vertical);
    }
    return current;
  }

  private static RgbImage horizontalPass(RgbImage in, int outWidth, int firstRow, int lastRow, Coefficients k) {
    int rows = lastRow - firstRow;
    byte[] src = in.rgb();
    byte[] out = new byte[outWidth * rows * 3];
    int inStride = in.width() * 3;
    for (int y = 0; y < rows; y++) {
      int rowBase = (y + firstRow) * inStride;
      int o = y * outWidth * 3;
      for (int x = 0; x < outWidth; x++) {
        int min = k.min[x];
        int n = k.count[x];
        int kBase = x * k.size;
        int r = 1 << (PRECISION_BITS - 1);
        int g = r;
        int b = r;
        for (int i = 0; i < n; i++) {
          int w = k.weights[kBase + i];
          int p = rowBase + (min + i) * 3;
          r += (src[p] & 0xFF) * w;
          g += (src[p + 1] & 0xFF) * w;
          b += (src[p + 2] & 0xFF) * w;
        }
        out[o++] = clip8(r);
        out[o++] = clip8(g);
        out[o++] = clip8(b);
      }
    }
    return new RgbImage(outWidth, rows, out);
  }

  private static RgbImage verticalPass(RgbImage in, int outHeight, int rowOffset, Coefficients k) {
    int w = in.width();
    byte[] src = in.rgb();
    byte[] out = new byte[w * outHeight * 3];
    int stride = w * 3;
    for (int y = 0; y < outHeight; y++) {
      int min = k.min[y] - rowOffset;
      int n = k.count[y];
      int kBase = y * k.size;
      int o = y * stride;
      for (int x = 0; x < stride; x++) {
        int s = 1 << (PRECISION_BITS - 1);
        for (int i = 0; i < n; i++) {
          s += (src[(min + i) * stride + x] & 0xFF) * k.weights[kBase + i];
        }
        out[o + x] = clip8(s);
      }
    }
    return new RgbImage(w, outHeight, out);
  }

  private static byte clip8(int v) {
    int s = v >> PRECISION_BITS;
    return (byte) (s < 0 ? 0 : Math.min(s, 255));
  }

  static double bicubic(double x) {
    double ax = Math.abs(x);
    if (ax < 1.0) {
      return ((A + 2.0) * ax - (A + 3.0)) * ax * ax + 1;
    }
    if (ax < 2.0) {
      return (((ax - 5) * ax + 8) * ax - 4) * A;
    }
    return 0.0;
  }

  /** Fixed-point filter taps for one axis: for output i, {@code count[i]} taps from input {@code min[i]}. */
  private record Coefficients(int size, int[] min, int[] count, int[] weights) {

    static Coefficients of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = BICUBIC_SUPPORT * filterScale;
      int size = (int) Math.ceil(support) * 2 + 1;
      int[] min = new int[outSize];
      int[] count = new int[outSize];
      int[] weights = new int[outSize * size];
      double[] k = new double[size];
      for (int o = 0; o < outSize; o++) {
        double center = (o + 0.5) * scale;
        double ss = 1.0 / filterScale;
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
        double total = 0;
        for (int x = 0; x < xmax; x++) {
          double w = bicubic((x + xmin - center + 0.5) * ss);
          k[x] = w;
          total += w;
        }
        for (int x = 0; x < xmax; x++) {
          double w = total != 0.0 ? k[x] / total : k[x];
          // C's (int) cast truncates toward zero, as Java's does
          weights[o * size + x] = w < 0
              ? (int) (-0.5 + w * (1 << PRECISION_BITS))
              : (int) (0.5 + w * (1 << PRECISION_BITS));
        }
        min[o] = xmin;
        count[o] = xmax;
      }
      return new Coefficients(size, min, count, weights);
    }
  }
}
