package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.bundle.ModelManifest;
import dev.bgevl.streams.encoder.image.PilBicubicResampler;
import dev.bgevl.streams.encoder.image.RgbImage;

/**
 * LLaVA-NeXT's anyres preprocessing ({@code LlavaNextImageProcessor}, PIL backend): pick the grid
 * resolution that keeps the most of the image, resize into it keeping the aspect ratio (PIL
 * bicubic), pad centred with black, cut square tiles row by row, and put a whole-image view resized
 * to one tile in front. Each tile is then rescaled and normalized as CLIP does; tiles already have
 * the tile size, so the processor's own resize and centre crop leave them as they are.
 */
public final class AnyresTiler {

  private final int tile;
  private final int[][] pinpoints;
  private final float rescale;
  private final float[] mean;
  private final float[] std;
  private final PilBicubicResampler bicubic = new PilBicubicResampler();

  public AnyresTiler(int tileSize, int[][] gridPinpoints, ModelManifest.ImageSpec spec) {
    this.tile = tileSize;
    this.pinpoints = gridPinpoints.clone();
    this.rescale = (float) spec.rescaleFactor();
    this.mean = spec.mean().clone();
    this.std = spec.std().clone();
  }

  /** Values of one preprocessed tile: 3 x tile x tile. */
  public int tileValues() {
    return 3 * tile * tile;
  }

  /**
   * transformers' {@code select_best_resolution}: most effective pixels, then least waste; [height,
   * width].
   */
  public int[] bestResolution(int height, int width) {
    int[] best = null;
    long maxEffective = 0;
    long minWasted = Long.MAX_VALUE;
    for (int[] p : pinpoints) {
      double scale = Math.min((double) p[1] / width, (double) p[0] / height);
      long down = (long) (int) (width * scale) * (int) (height * scale);
      long effective = Math.min(down, (long) width * height);
      long wasted = (long) p[0] * p[1] - effective;
      if (effective > maxEffective || (effective == maxEffective && wasted < minWasted)) {
        maxEffective = effective;
        minWasted = wasted;
        best = p;
      }
    }
    return new int[] {best[0], best[1]};
  }

  /** Tiles an image of this size becomes: the base view plus the grid. */
  public int tileCount(int height, int width) {
    int[] best = bestResolution(height, width);
    return 1 + (best[0] / tile) * (best[1] / tile);
  }

  /**
   * The image resized into the best resolution, aspect kept (transformers' {@code
   * get_patch_output_size}).
   */
  public RgbImage resizeForGrid(RgbImage image) {
    int[] best = bestResolution(image.height(), image.width());
    double scaleW = (double) best[1] / image.width();
    double scaleH = (double) best[0] / image.height();
    int newW;
    int newH;
    if (scaleW < scaleH) {
      newW = best[1];
      newH = (int) Math.min(Math.ceil(image.height() * scaleW), best[0]);
    } else {
      newH = best[0];
      newW = (int) Math.min(Math.ceil(image.width() * scaleH), best[1]);
    }
    return bicubic.resize(image, newW, newH);
  }

  /** The whole image as one tile (aspect not kept, as the processor does). */
  public RgbImage baseView(RgbImage image) {
    return bicubic.resize(image, tile, tile);
  }

  /**
   * Writes every tile of {@code image} (base view first, then the grid row by row) as CHW floats
   * into {@code out} at {@code offset}; returns the number of tiles written.
   */
  public int tiles(RgbImage image, float[] out, int offset) {
    int[] best = bestResolution(image.height(), image.width());
    RgbImage resized = resizeForGrid(image);
    int padTop = (best[0] - resized.height()) / 2;
    int padLeft = (best[1] - resized.width()) / 2;
    normalize(baseView(image), 0, 0, out, offset);
    int rows = best[0] / tile;
    int cols = best[1] / tile;
    int at = offset + tileValues();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        // tile origin in the padded canvas, mapped back into the resized image
        normalize(resized, r * tile - padTop, c * tile - padLeft, out, at);
        at += tileValues();
      }
    }
    return 1 + rows * cols;
  }

  /**
   * The tile whose top-left is (top, left) in {@code image} coordinates; outside the image is black
   * padding.
   */
  private void normalize(RgbImage image, int top, int left, float[] out, int offset) {
    int plane = tile * tile;
    for (int y = 0; y < tile; y++) {
      int sy = top + y;
      for (int x = 0; x < tile; x++) {
        int sx = left + x;
        boolean inside = sy >= 0 && sy < image.height() && sx >= 0 && sx < image.width();
        for (int c = 0; c < 3; c++) {
          float v = (inside ? image.sample(sx, sy, c) : 0) * rescale;
          out[offset + c * plane + y * tile + x] = (v - mean[c]) / std[c];
        }
      }
    }
  }
}
