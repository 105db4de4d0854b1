package dev.bgevl.streams.encoder.image;

import dev.bgevl.streams.encoder.bundle.ModelManifest;
import java.util.Objects;

/**
 * CLIP image preprocessing as transformers' {@code CLIPImageProcessor} does it: resize the shortest
 * edge (PIL bicubic), center crop, rescale to [0,1], normalize per channel, channels first.
 */
public final class ClipImagePreprocessor {

  private final int shortestEdge;
  private final int crop;
  private final PilBicubicResampler resampler = new PilBicubicResampler();
  // channel c's normalized value for 8-bit sample v, with the same float operations as
  // (v*rescale-mean)/std
  private final float[][] lut = new float[3][256];

  public ClipImagePreprocessor(ModelManifest.ImageSpec spec) {
    Objects.requireNonNull(spec, "spec");
    this.shortestEdge = spec.resizeShortestEdge();
    this.crop = spec.cropSize();
    float rescale = (float) spec.rescaleFactor();
    float[] mean = spec.mean();
    float[] std = spec.std();
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        float scaled = v * rescale;
        lut[c][v] = (scaled - mean[c]) / std[c];
      }
    }
  }

  /** Values per preprocessed image: 3 x crop x crop. */
  public int tensorSize() {
    return 3 * crop * crop;
  }

  public int cropSize() {
    return crop;
  }

  /** The resized (not yet cropped) image, exposed so tests can compare pixels with PIL's. */
  public RgbImage resizeShortestEdge(RgbImage image) {
    return resampler.resize(
        image,
        resizedWidth(image.width(), image.height()),
        resizedHeight(image.width(), image.height()));
  }

  private int resizedWidth(int width, int height) {
    return width <= height ? shortestEdge : longEdge(width, height);
  }

  private int resizedHeight(int width, int height) {
    return width <= height ? longEdge(width, height) : shortestEdge;
  }

  /** transformers: int(size * long / short), a truncating float division. */
  private int longEdge(int width, int height) {
    return (int) ((double) shortestEdge * Math.max(width, height) / Math.min(width, height));
  }

  /**
   * Writes the CHW float tensor of {@code image} into {@code out} at {@code offset}: resize, crop
   * and normalize fused, so only the kept window is resampled and no intermediate image is made.
   */
  public void preprocess(RgbImage image, float[] out, int offset) {
    preprocessRows(image, out, offset, 0, crop);
  }

  /**
   * As {@link #preprocess(RgbImage, float[], int)}, but only the cropped rows {@code
   * fromRow..toRow-1} of each channel: bands of one image may be written by different threads, and
   * together give exactly the whole.
   */
  public void preprocessRows(RgbImage image, float[] out, int offset, int fromRow, int toRow) {
    int newW = resizedWidth(image.width(), image.height());
    int newH = resizedHeight(image.width(), image.height());
    resampler.resizeCropNormalize(
        image,
        newW,
        newH,
        (newW - crop) / 2,
        (newH - crop) / 2,
        crop,
        lut,
        out,
        offset,
        fromRow,
        toRow);
  }

  /**
   * How many rows from the top of a {@code width} x {@code height} image {@link #preprocessRows}
   * reads for the cropped rows {@code 0..toRow-1}.
   */
  public int inputRowsRead(int width, int height, int toRow) {
    int newH = resizedHeight(width, height);
    return PilBicubicResampler.inputRowsRead(height, newH, (newH - crop) / 2, toRow);
  }

  /** The CHW float tensor of {@code image}. */
  public float[] preprocess(RgbImage image) {
    float[] out = new float[tensorSize()];
    preprocess(image, out, 0);
    return out;
  }
}
