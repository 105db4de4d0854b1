package dev.bgevl.streams.media;

import dev.bgevl.streams.deadletter.DeadLetterReason;
import dev.bgevl.streams.deadletter.RejectedInputException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Returns the image bytes of an event or request: the inline bytes when present, else the bytes
 * behind its URI, as far as the {@link ImageSourcePolicy} allows.
 */
public final class ImageResolver {

  private final ImageSourcePolicy policy;

  public ImageResolver(ImageSourcePolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Inline bytes win; {@code null} when there is neither. */
  public byte[] resolve(byte[] inline, String uri) {
    if (inline != null) {
      return inline;
    }
    if (uri == null || uri.isBlank()) {
      return null;
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new RejectedInputException(DeadLetterReason.URI_REFUSED, "image_uri is not a valid URI: " + e.getMessage());
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      return readFile(parsed);
    }
    throw new RejectedInputException(DeadLetterReason.URI_REFUSED,
        "image_uri scheme '" + scheme + "' is not allowed (allowed: file: below images.file-root)");
  }

  private byte[] readFile(URI uri) {
    Path root = policy.fileRoot().orElseThrow(() -> new RejectedInputException(DeadLetterReason.URI_REFUSED,
        "file: image URIs are refused: images.file-root is not configured"));
    Path path;
    try {
      path = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) {
      throw new RejectedInputException(DeadLetterReason.URI_REFUSED, "image_uri is not a file path: " + uri);
    }
    try {
      // real paths, so neither '..' nor a symbolic link leads out of the root
      Path real = path.toRealPath();
      if (!real.startsWith(root.toRealPath())) {
        throw new RejectedInputException(DeadLetterReason.URI_REFUSED, "image_uri is outside images.file-root");
      }
      long size = Files.size(real);
      if (size > policy.maxBytes()) {
        throw new RejectedInputException(DeadLetterReason.IMAGE_TOO_LARGE,
            "image file is " + size + " bytes, above the limit of " + policy.maxBytes());
      }
      return Files.readAllBytes(real);
    } catch (NoSuchFileException e) {
      throw new RejectedInputException(DeadLetterReason.URI_FETCH_FAILED, "image file does not exist: " + uri);
    } catch (IOException e) {
      throw new RejectedInputException(DeadLetterReason.URI_FETCH_FAILED,
          "image file cannot be read: " + uri + ": " + e.getMessage());
    }
  }
}
