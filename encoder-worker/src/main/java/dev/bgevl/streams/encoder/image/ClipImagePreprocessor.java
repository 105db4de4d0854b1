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
  private final float rescale;
  private final float[] mean;
  private final float[] std;
  private final PilBicubicResampler resampler = new PilBicubicResampler();

  public ClipImagePreprocessor(ModelManifest.ImageSpec spec) {
    Objects.requireNonNull(spec, "spec");
    this.shortestEdge = spec.resizeShortestEdge();
    this.crop = spec.cropSize();
    this.rescale = (float) spec.rescaleFactor();
    this.mean = spec.mean().clone();
    this.std = spec.std().clone();
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
    int w = image.width();
    int h = image.height();
    int shortSide = Math.min(w, h);
    int longSide = Math.max(w, h);
    // transformers: int(size * long / short), a truncating float division
    int newLong = (int) ((double) shortestEdge * longSide / shortSide);
    return w <= h
        ? resampler.resize(image, shortestEdge, newLong)
        : resampler.resize(image, newLong, shortestEdge);
  }

  /** Writes the CHW float tensor of {@code image} into {@code out} at {@code offset}. */
  public void preprocess(RgbImage image, float[] out, int offset) {
    RgbImage resized = resizeShortestEdge(image);
    int top = (resized.height() - crop) / 2;
    int left = (resized.width() - crop) / 2;
    int plane = crop * crop;
    for (int y = 0; y < crop; y++) {
      for (int x = 0; x < crop; x++) {
        int sy = y + top;
        int sx = x + left;
        for (int c = 0; c < 3; c++) {
          float v = resized.sample(sx, sy, c) * rescale;
          out[offset + c * plane + y * crop + x] = (v - mean[c]) / std[c];
        }
      }
    }
  }

  /** The CHW float tensor of {@code image}. */
  public float[] preprocess(RgbImage image) {
    float[] out = new float[tensorSize()];
    preprocess(image, out, 0);
    return out;
  }
}
