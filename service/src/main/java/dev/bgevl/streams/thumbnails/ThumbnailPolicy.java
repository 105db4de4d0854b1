package dev.bgevl.streams.thumbnails;

/**
 * How thumbnails are made.
 *
 * @param maxSide longest side in pixels ({@code thumbnails.max-side}); 0 turns thumbnails off, and
 *     every upsert then tombstones its id's thumbnail so none goes stale
 * @param quality JPEG quality 1..100 ({@code thumbnails.quality})
 */
public record ThumbnailPolicy(int maxSide, int quality) {

  /** A grid cell on a high-density screen, at a few KB per photo. */
  public static final ThumbnailPolicy DEFAULT = new ThumbnailPolicy(256, 80);

  public ThumbnailPolicy {
    if (maxSide < 0 || maxSide > 2048) {
      throw new IllegalArgumentException(
          "thumbnails.max-side must be 0 (off) or 1..2048, got " + maxSide);
    }
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("thumbnails.quality must be 1..100, got " + quality);
    }
  }

  /** Whether thumbnails are made at all. */
  public boolean enabled() {
    return maxSide > 0;
  }
}
