package dev.bgevl.streams.encoder.text;

/**
 * Token ids and attention mask of a batch, row-major {@code [batch, length]}, padded to the longest
 * row.
 *
 * <p>Arrays are shared, not copied: a batch is built once and handed straight to the runtime.
 */
public record TokenBatch(int batch, int length, long[] ids, long[] attentionMask) {

  public TokenBatch {
    if (ids.length != (long) batch * length || attentionMask.length != ids.length) {
      throw new IllegalArgumentException(
          "ids and mask must hold batch x length = " + batch + "x" + length);
    }
  }

  /** The unpadded ids of row {@code i}. */
  public long[] row(int i) {
    int n = 0;
    while (n < length && attentionMask[i * length + n] == 1) {
      n++;
    }
    long[] out = new long[n];
    System.arraycopy(ids, i * length, out, 0, n);
    return out;
  }
}
