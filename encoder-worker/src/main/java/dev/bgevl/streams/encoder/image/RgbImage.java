package dev.bgevl.streams.encoder.image;

import java.util.Objects;

/**
 * An 8-bit RGB image, pixels interleaved row by row: the one pixel layout preprocessing works on.
 */
public record RgbImage(int width, int height, byte[] rgb) {

  public RgbImage {
    Objects.requireNonNull(rgb, "rgb");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "expected "
              + (width * height * 3)
              + " RGB bytes for "
              + width
              + "x"
              + height
              + ", got "
              + rgb.length);
    }
  }

  /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0..255. */
  public int sample(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xFF;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RgbImage other
        && width == other.width
        && height == other.height
        && java.util.Arrays.equals(rgb, other.rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + java.util.Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
