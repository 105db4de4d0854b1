package dev.bgevl.streams.media;

import java.nio.ByteBuffer;

/** Copies the image bytes out of an Avro {@code bytes} field without disturbing the buffer. */
public final class ImageBytes {

  private ImageBytes() {}

  /** The remaining bytes of {@code buffer}, or {@code null} for a null buffer. */
  public static byte[] copyOf(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer view = buffer.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }
}
