package dev.bgevl.streams.thumbnails;

import java.util.Arrays;
import java.util.Objects;

/**
 * What ingest writes for one id: a JPEG, or nothing (a tombstone, so no older thumbnail outlives
 * its image).
 *
 * @param jpeg the thumbnail, or null for a tombstone
 * @param failure why making it failed, or null when it was made or not wanted (no image, off)
 */
public record Thumbnail(byte[] jpeg, String failure) {

  /** A thumbnail made. */
  public static Thumbnail of(byte[] jpeg) {
    return new Thumbnail(jpeg.clone(), null);
  }

  /** No thumbnail wanted: the id has no image, was deleted, or thumbnails are off. */
  public static Thumbnail none() {
    return new Thumbnail(null, null);
  }

  /** The image did not make a thumbnail, though its vector stands. */
  public static Thumbnail failed(String why) {
    return new Thumbnail(null, Objects.requireNonNull(why, "why"));
  }

  public boolean present() {
    return jpeg != null;
  }

  @Override
  public byte[] jpeg() {
    return jpeg == null ? null : jpeg.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Thumbnail t
        && Arrays.equals(jpeg, t.jpeg)
        && Objects.equals(failure, t.failure);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(jpeg) * 31 + Objects.hashCode(failure);
  }

  @Override
  public String toString() {
    if (present()) {
      return "Thumbnail[" + jpeg.length + " bytes]";
    }
    return failure == null ? "Thumbnail[none]" : "Thumbnail[failed: " + failure + "]";
  }
}
