package dev.bgevl.streams.encoder;

import java.util.Arrays;
import java.util.Objects;

/**
 * One thing to embed: an encoded image, a text, or both (a composed query).
 *
 * <p>With both, the CLIP models embed L2norm(raw text + raw image). The MLLM models also read
 * {@code role} (a query and a candidate get different prompts) and a query's {@code instruction};
 * the CLIP models ignore both.
 */
public record EncodeInput(byte[] image, String text, Role role, String instruction) {

  /** Which side of retrieval an input is on: what is searched for, or what is stored. */
  public enum Role {
    CANDIDATE,
    QUERY
  }

  public EncodeInput {
    if (image == null && text == null) {
      throw new IllegalArgumentException("an encode input needs an image, a text or both");
    }
    Objects.requireNonNull(role, "role");
    if (role == Role.CANDIDATE && instruction != null) {
      throw new IllegalArgumentException("only a query carries an instruction");
    }
  }

  /** A candidate (what ingest stores): image, text or both. */
  public EncodeInput(byte[] image, String text) {
    this(image, text, Role.CANDIDATE, null);
  }

  /** A query with an optional task instruction (null: none given). */
  public static EncodeInput query(byte[] image, String text, String instruction) {
    return new EncodeInput(image, text, Role.QUERY, instruction);
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
    return new EncodeInput(
        Objects.requireNonNull(image, "image"), Objects.requireNonNull(text, "text"));
  }

  public boolean hasImage() {
    return image != null;
  }

  public boolean hasText() {
    return text != null;
  }

  public boolean isQuery() {
    return role == Role.QUERY;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodeInput other
        && Arrays.equals(image, other.image)
        && Objects.equals(text, other.text)
        && role == other.role
        && Objects.equals(instruction, other.instruction);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(image), text, role, instruction);
  }

  @Override
  public String toString() {
    // never log image bytes or full texts
    return "EncodeInput[role="
        + role
        + ", imageBytes="
        + (image == null ? "none" : image.length)
        + ", textChars="
        + (text == null ? "none" : text.length())
        + ", instructionChars="
        + (instruction == null ? "none" : instruction.length())
        + "]";
  }
}
