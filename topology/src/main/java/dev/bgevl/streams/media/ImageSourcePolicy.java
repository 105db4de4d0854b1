package dev.bgevl.streams.media;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What image URIs may be read.
 *
 * @param fileRoot {@code file:} URIs are read only below this folder ({@code images.file-root});
 *     empty refuses every {@code file:} URI
 * @param maxBytes largest file read ({@code encoder.image.max-bytes})
 */
public record ImageSourcePolicy(Optional<Path> fileRoot, long maxBytes) {

  public ImageSourcePolicy {
    fileRoot = fileRoot.map(p -> p.toAbsolutePath().normalize());
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("max bytes must be positive, got " + maxBytes);
    }
  }
}
