package dev.bgevl.streams.encoder.batch;

import dev.bgevl.streams.encoder.EncodeInput;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A synthetic composed input (a small generated PNG plus a short text) for warming up the model.
 */
final class WarmUpInput {

  private static final int SIDE = 32;

  private WarmUpInput() {}

  /** Composed, so one batch runs both the vision and the text graph at the full batch size. */
  static EncodeInput create() {
    return EncodeInput.composed(gradientPng(), "a warm-up picture");
  }

  private static byte[] gradientPng() {
    BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        image.setRGB(x, y, (x * 8) << 16 | (y * 8) << 8 | 128);
      }
    }
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer installed for the warm-up image");
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
