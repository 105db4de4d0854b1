package dev.bgevl.streams.encoder.mllm;

/**
 * LLaVA-NeXT's {@code pack_image_features} for one image, done while copying into the decoder's
 * input: the base view's patch features first, then the tile grid as one feature map (tile rows and
 * patch rows interleaved), unpadded back to the image's aspect ratio, one {@code image_newline}
 * after each row. Done here rather than in a graph because it is index work that needs the grid
 * shape, which differs per image; the copy into the decoder buffer happens anyway.
 */
public final class FeaturePacker {

  private final AnyresTiler tiler;
  private final int tile;
  private final int side;
  private final int hidden;
  private final float[] newline;

  /**
   * @param side patches per tile edge (tile size / patch size)
   * @param newline the model's {@code image_newline} vector
   */
  public FeaturePacker(AnyresTiler tiler, int tileSize, int side, float[] newline) {
    this.tiler = tiler;
    this.tile = tileSize;
    this.side = side;
    this.hidden = newline.length;
    this.newline = newline.clone();
  }

  /** Image tokens of an image of this size: what the processor expands {@code <image>} into. */
  public int tokenCount(int height, int width) {
    Layout l = layout(height, width);
    return side * side + l.rows() * (l.cols() + 1);
  }

  /**
   * Writes the packed features of one image into {@code out} at token {@code outToken} (rows of
   * {@code hidden} floats).
   *
   * @param features projected features, {@code [tiles, side*side, hidden]}, from {@code
   *     featureTile} on
   */
  public void pack(
      float[] features, int featureTile, int height, int width, float[] out, int outToken) {
    int perTile = side * side * hidden;
    int base = featureTile * perTile;
    System.arraycopy(features, base, out, outToken * hidden, perTile);
    int o = (outToken + side * side) * hidden;
    Layout l = layout(height, width);
    int gridBase = base + perTile;
    for (int r = l.firstRow(); r < l.firstRow() + l.rows(); r++) {
      int tileRow = r / side;
      int patchRow = r % side;
      for (int c = l.firstCol(); c < l.firstCol() + l.cols(); c++) {
        int t = tileRow * l.gridCols() + c / side;
        int patch = patchRow * side + c % side;
        System.arraycopy(features, gridBase + t * perTile + patch * hidden, out, o, hidden);
        o += hidden;
      }
      System.arraycopy(newline, 0, out, o, hidden);
      o += hidden;
    }
  }

  /** Kept rows and columns of the grid's feature map after unpadding. */
  private record Layout(int gridCols, int firstRow, int rows, int firstCol, int cols) {}

  private Layout layout(int height, int width) {
    int[] best = tiler.bestResolution(height, width);
    int gridRows = best[0] / tile;
    int gridCols = best[1] / tile;
    int curH = gridRows * side;
    int curW = gridCols * side;
    // transformers' unpad_image, with its int(round(x, 7))
    double originalAspect = (double) width / height;
    double currentAspect = (double) curW / curH;
    if (originalAspect > currentAspect) {
      int newH = (int) round7(height * ((double) curW / width));
      int pad = (curH - newH) / 2;
      return new Layout(gridCols, pad, curH - 2 * pad, 0, curW);
    }
    int newW = (int) round7(width * ((double) curH / height));
    int pad = (curW - newW) / 2;
    return new Layout(gridCols, 0, curH, pad, curW - 2 * pad);
  }

  private static double round7(double v) {
    return Math.rint(v * 1e7) / 1e7;
  }
}
