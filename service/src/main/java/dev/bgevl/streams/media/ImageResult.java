package dev.bgevl.streams.media;

import java.util.Arrays;
import java.util.Objects;

/** The outcome of resolving one {@link ImageSource} in a batch: its bytes, or why it failed. */
public sealed interface ImageResult permits ImageResult.Resolved, ImageResult.Failed {

  /** The bytes ({@code null} when the source had neither bytes nor URI), or the failure thrown. */
  byte[] orThrow();

  /** The image bytes; {@code null} when the source carried no image at all. */
  record Resolved(byte[] bytes) implements ImageResult {
    @Override
    public byte[] orThrow() {
      return bytes;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Resolved other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Resolved[bytes=" + (bytes == null ? "none" : bytes.length) + "]";
    }
  }

  /**
   * Usually a {@link dev.bgevl.streams.failure.RejectedInputException}; anything else is
   * unexpected.
   */
  record Failed(RuntimeException error) implements ImageResult {
    public Failed {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public byte[] orThrow() {
      throw error;
    }
  }
}
