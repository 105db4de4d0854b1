package dev.bgevl.streams.encoder.image;

/**
 * Resizes like PIL's {@code Image.resize(size, BICUBIC)}, so our pixels equal the reference's.
 *
 * <p>PIL resamples with a separable convolution whose support widens with the downscale factor (so
 * it antialiases), horizontal pass first, in 22-bit fixed point with rounding to 8 bits after each
 * pass. A plain affine bicubic does none of this and misses by tens of grey levels on downscaled
 * photos. This is a port of Pillow's {@code Resample.c} for 8-bit images.
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
      int lastRow =
          needVertical ? vertical.min[height - 1] + vertical.count[height - 1] : image.height();
      current = horizontalPass(image, width, firstRow, lastRow, horizontal);
    }
    if (needVertical) {
      current = verticalPass(current, height, firstRow, vertical);
    }
    return current;
  }

  /**
   * Resizes {@code image} to {@code width} x {@code height}, keeps the rows {@code
   * fromRow..toRow-1} of the {@code crop} x {@code crop} window at ({@code left}, {@code top}) and
   * writes them as normalized CHW floats: {@code lut[c][v]} is channel c's value for the 8-bit
   * sample v. Each output pixel depends only on its own filter taps, so computing just the window
   * (and only the input rows it reads) gives exactly the bytes a full resize then crop gives, with
   * less work (a 1920x1080 photo resized to 398x224 keeps 224 of 398 columns), and bands of one
   * image can be written by different threads, into disjoint parts of {@code out}, with exactly the
   * bytes of the whole.
   */
  public void resizeCropNormalize(
      RgbImage image,
      int width,
      int height,
      int left,
      int top,
      int crop,
      float[][] lut,
      float[] out,
      int offset,
      int fromRow,
      int toRow) {
    if (left < 0 || top < 0 || left + crop > width || top + crop > height) {
      throw new IllegalArgumentException(
          "crop " + crop + " at " + left + "," + top + " outside " + width + "x" + height);
    }
    if (fromRow < 0 || toRow > crop || fromRow >= toRow) {
      throw new IllegalArgumentException(
          "rows " + fromRow + ".." + toRow + " outside the crop of " + crop);
    }
    boolean needHorizontal = width != image.width();
    boolean needVertical = height != image.height();
    Coefficients vertical = needVertical ? Coefficients.cached(image.height(), height) : null;
    Coefficients horizontal = needHorizontal ? Coefficients.cached(image.width(), width) : null;
    // each channel of each kept input row is made once (horizontal pass over the window's columns)
    // as the output rows first need it, into a ring as deep as the widest vertical filter: the rows
    // stay in cache and the memory is a few KB whatever the photo's size. Each row is its own
    // int[] because C2 (JDK 17) vectorizes the vertical taps only over separate int arrays indexed
    // from 0; bytes, or one array at a row offset, stay scalar (~4x slower).
    int depth = needVertical ? vertical.size : 1;
    int[][][] ring = new int[3][depth][crop];
    int made = needVertical ? vertical.min[top + fromRow] : top + fromRow;
    int plane = crop * crop;
    int[] acc = new int[crop];
    for (int y = fromRow; y < toRow; y++) {
      int k = top + y;
      // min + count never decreases with k, so rows once passed are never needed again
      int need = needVertical ? vertical.min[k] + vertical.count[k] : k + 1;
      for (; made < need; made++) {
        int slot = made % depth;
        inputRow(image, horizontal, left, crop, made, ring[0][slot], ring[1][slot], ring[2][slot]);
      }
      for (int c = 0; c < 3; c++) {
        float[] channelLut = lut[c];
        int[][] channel = ring[c];
        int o = offset + c * plane + y * crop;
        if (needVertical) {
          int min = vertical.min[k];
          int kBase = k * vertical.size;
          firstTap(acc, channel[min % depth], vertical.weights[kBase]);
          for (int i = 1; i < vertical.count[k]; i++) {
            nextTap(acc, channel[(min + i) % depth], vertical.weights[kBase + i]);
          }
          for (int x = 0; x < crop; x++) {
            out[o + x] = channelLut[clip8(acc[x]) & 0xFF];
          }
        } else {
          int[] row = channel[k % depth];
          for (int x = 0; x < crop; x++) {
            out[o + x] = channelLut[row[x]];
          }
        }
      }
    }
  }

  /**
   * How many input rows from the top the resized rows {@code top..top+toRow-1} read: those rows can
   * be resampled as soon as that many are decoded.
   */
  public static int inputRowsRead(int inHeight, int outHeight, int top, int toRow) {
    if (inHeight == outHeight) {
      return top + toRow;
    }
    Coefficients vertical = Coefficients.cached(inHeight, outHeight);
    int last = top + toRow - 1;
    return vertical.min[last] + vertical.count[last];
  }

  private static void firstTap(int[] acc, int[] row, int weight) {
    for (int x = 0; x < acc.length; x++) {
      acc[x] = (1 << (PRECISION_BITS - 1)) + row[x] * weight;
    }
  }

  private static void nextTap(int[] acc, int[] row, int weight) {
    for (int x = 0; x < acc.length; x++) {
      acc[x] += row[x] * weight;
    }
  }

  /**
   * Input row {@code y} resampled horizontally (when {@code k} is not null) for output columns
   * {@code left..left+cols-1}, or those columns as they are, split by channel into 8-bit values.
   */
  private static void inputRow(
      RgbImage in, Coefficients k, int left, int cols, int y, int[] r, int[] g, int[] b) {
    byte[] src = in.rgb();
    int rowBase = y * in.width() * 3;
    if (k == null) {
      for (int x = 0, p = rowBase + left * 3; x < cols; x++, p += 3) {
        r[x] = src[p] & 0xFF;
        g[x] = src[p + 1] & 0xFF;
        b[x] = src[p + 2] & 0xFF;
      }
      return;
    }
    for (int x = 0; x < cols; x++) {
      int n = k.count[x + left];
      int kBase = (x + left) * k.size;
      int p = rowBase + k.min[x + left] * 3;
      int sr = 1 << (PRECISION_BITS - 1);
      int sg = sr;
      int sb = sr;
      for (int i = 0; i < n; i++, p += 3) {
        int w = k.weights[kBase + i];
        sr += (src[p] & 0xFF) * w;
        sg += (src[p + 1] & 0xFF) * w;
        sb += (src[p + 2] & 0xFF) * w;
      }
      r[x] = clip8(sr) & 0xFF;
      g[x] = clip8(sg) & 0xFF;
      b[x] = clip8(sb) & 0xFF;
    }
  }

  private static RgbImage horizontalPass(
      RgbImage in, int outWidth, int firstRow, int lastRow, Coefficients k) {
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

  /**
   * Fixed-point filter taps for one axis: for output i, {@code count[i]} taps from input {@code
   * min[i]}.
   */
  private record Coefficients(int size, int[] min, int[] count, int[] weights) {

    private static final int CACHE_LIMIT = 512;
    private static final java.util.concurrent.ConcurrentHashMap<Long, Coefficients> CACHE =
        new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The taps for one (input, output) size pair, computed once: photos come in a handful of sizes.
     */
    static Coefficients cached(int inSize, int outSize) {
      long key = (long) inSize << 32 | outSize;
      Coefficients c = CACHE.get(key);
      if (c == null) {
        if (CACHE.size() >= CACHE_LIMIT) {
          CACHE.clear(); // odd sizes from the wild: keep the memory bounded, recomputing is cheap
        }
        c = of(inSize, outSize);
        CACHE.put(key, c);
      }
      return c;
    }

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
          weights[o * size + x] =
              w < 0
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
