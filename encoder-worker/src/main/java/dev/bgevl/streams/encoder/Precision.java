package dev.bgevl.streams.encoder;

import java.util.Locale;

/**
 * Numeric precision of the vision graph (config key {@code encoder.precision}); the text graph is
 * always fp32.
 */
public enum Precision {
  FP32,
  FP16;

  /** Parses {@code fp32} or {@code fp16}. */
  public static Precision parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "encoder.precision: expected fp32 or fp16, got '" + text + "'", e);
    }
  }
}
