package dev.bgevl.streams.encoder;

/**
 * Largest image the encoder accepts, checked before decoding pixels so a decompression bomb costs
 * nothing (keys {@code encoder.image.max-bytes}, {@code encoder.image.max-pixels}).
 */
public record ImageLimits(long maxBytes, long maxPixels) {

  /** 16 MiB and 40 megapixels: far above any photo worth embedding at 224 px. */
  public static final ImageLimits DEFAULT = new ImageLimits(16L << 20, 40_000_000L);

  public ImageLimits {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException(
          "encoder.image.max-bytes must be positive, got " + maxBytes);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException(
          "encoder.image.max-pixels must be positive, got " + maxPixels);
    }
  }
}
