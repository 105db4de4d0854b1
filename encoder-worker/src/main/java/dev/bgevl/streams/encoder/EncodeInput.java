package dev.bgevl.streams.encoder;

import java.util.Arrays;
import java.util.Objects;

/**
 * One thing to embed: an encoded image, a text, or both (a composed query).
 *
 * <p>With both, the embedding is the BGE-VL fusion L2norm(raw text + raw image) projection.
 */
public record EncodeInput(byte[] image, String text) {

  public EncodeInput {
    if (image == null && text == null) {
      throw new IllegalArgumentException("an encode input needs an image, a text or both");
    }
  }

  /** An image-only input. */
  public static EncodeInput image(byte[] image) {
    return new EncodeInput(Objects.requireNonNull(image, "image"), null);
  }

  /** A text-only input. */
  public static EncodeInput text(String text) {
    return new EncodeInput(null, Objects.requireNonNull(text, "text"));
  }

  /** A composed input: the image modified by the text. */
  public static EncodeInput composed(byte[] image, String text) {
    return new EncodeInput(Objects.requireNonNull(image, "image"), Objects.requireNonNull(text, "text"));
  }

  public boolean hasImage() {
    return image != null;
  }

  public boolean hasText() {
    return text != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodeInput other
        && Arrays.equals(image, other.image)
        && Objects.equals(text, other.text);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(image) + Objects.hashCode(text);
  }

  @Override
  public String toString() {
    // never log image bytes or full texts
    return "EncodeInput[imageBytes=" + (image == null ? "none" : image.length)
        + ", textChars=" + (text == null ? "none" : text.length()) + "]";
  }
}
