package dev.bgevl.streams.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UnitVectorsTest {

  @Test
  void shouldNormalizeToUnitLength() {
    float[] v = UnitVectors.normalize(new float[] {3, 4});
    assertArrayEquals(new float[] {0.6f, 0.8f}, v, 1e-7f);
  }

  @Test
  void shouldKeepZeroVectorZeroInsteadOfNan() {
    assertArrayEquals(new float[] {0, 0, 0}, UnitVectors.normalize(new float[3]));
  }

  @Test
  void shouldFuseRawProjectionsBeforeNormalizing() {
    // a long text projection dominates a short image one: the BGE-VL rule sums raw vectors
    float[] text = {10, 0};
    float[] image = {0, 1};
    float[] fused = UnitVectors.fuse(text, image);
    assertArrayEquals(UnitVectors.normalize(new float[] {10, 1}), fused, 1e-7f);
    // summing normalized vectors instead would give the diagonal, which this must not be
    float diagonal = (float) Math.sqrt(0.5);
    assertEquals(false, Math.abs(fused[0] - diagonal) < 1e-3);
  }

  @Test
  void shouldRefuseVectorsOfDifferentSizes() {
    assertThrows(
        IllegalArgumentException.class, () -> UnitVectors.fuse(new float[2], new float[3]));
  }
}
