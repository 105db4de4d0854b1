package dev.bgevl.streams.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where one image comes from: inline bytes, or a URI when there are none.
 *
 * @param inline the event's or request's image bytes, or {@code null}
 * @param uri its image URI, or {@code null}
 */
public record ImageSource(byte[] inline, String uri) {

  public static ImageSource of(byte[] inline, String uri) {
    return new ImageSource(inline, uri);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageSource other
        && Arrays.equals(inline, other.inline)
        && Objects.equals(uri, other.uri);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(inline) + Objects.hashCode(uri);
  }

  /** Never the bytes, never the URI's query. */
  @Override
  public String toString() {
    return "ImageSource[inlineBytes="
        + (inline == null ? "none" : inline.length)
        + ", uri="
        + (uri == null ? "none" : uri.replaceAll("[?#].*", "?…"))
        + "]";
  }
}
