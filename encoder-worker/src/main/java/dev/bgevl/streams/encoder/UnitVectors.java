package dev.bgevl.streams.encoder;

/** L2 normalization and the BGE-VL fusion rule, on plain float arrays. */
public final class UnitVectors {

  private UnitVectors() {}

  /**
   * Returns a new unit-length copy of {@code v}; a zero vector stays zero rather than becoming NaN.
   */
  public static float[] normalize(float[] v) {
    double sumSquares = 0;
    for (float x : v) {
      sumSquares += (double) x * x;
    }
    float[] out = new float[v.length];
    if (sumSquares == 0) {
      return out;
    }
    double inv = 1.0 / Math.sqrt(sumSquares);
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] * inv);
    }
    return out;
  }

  /**
   * The BGE-VL composed embedding: L2norm(rawText + rawImage).
   *
   * <p>The sum is of the unnormalized projections, as the reference model's fusion does.
   */
  public static float[] fuse(float[] rawText, float[] rawImage) {
    if (rawText.length != rawImage.length) {
      throw new IllegalArgumentException(
          "text and image projections differ in size: "
              + rawText.length
              + " vs "
              + rawImage.length);
    }
    float[] sum = new float[rawText.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = rawText[i] + rawImage[i];
    }
    return normalize(sum);
  }

  /** Inner product; the cosine similarity when both are unit length. */
  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vectors differ in size: " + a.length + " vs " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
