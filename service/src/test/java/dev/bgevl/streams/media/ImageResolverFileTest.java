package dev.bgevl.streams.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageResolverFileTest {

  private static final byte[] IMAGE = {1, 2, 3, 4};

  @TempDir Path dir;
  private Path root;
  private ImageResolver resolver;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(dir.resolve("root"));
    Files.write(root.resolve("cat.png"), IMAGE);
    Files.write(dir.resolve("secret.png"), IMAGE);
    resolver = new ImageResolver(new ImageSourcePolicy(Optional.of(root), 16));
  }

  private void assertRejected(DeadLetterReason reason, String uri) {
    RejectedInputException e =
        assertThrows(RejectedInputException.class, () -> resolver.resolve(null, uri));
    assertEquals(reason, e.reason(), e.getMessage());
  }

  @Test
  void shouldReadFileBelowRoot() {
    assertArrayEquals(IMAGE, resolver.resolve(null, root.resolve("cat.png").toUri().toString()));
  }

  @Test
  void shouldPreferInlineBytesAndReturnNullWithoutImage() {
    byte[] inline = {9};

    assertArrayEquals(inline, resolver.resolve(inline, "file:///does/not/matter.png"));
    assertNull(resolver.resolve(null, null));
    assertNull(resolver.resolve(null, " "));
  }

  @Test
  void shouldRefuseDotDotOutOfRoot() {
    assertRejected(DeadLetterReason.URI_REFUSED, "file://" + root + "/../secret.png");
  }

  @Test
  void shouldRefuseDotDotOutOfRootEvenWhenFileIsMissing() {
    assertRejected(DeadLetterReason.URI_REFUSED, "file://" + root + "/../no-such.png");
  }

  @Test
  void shouldRefuseSymlinkEscapingRoot() throws IOException {
    Path link = Files.createSymbolicLink(root.resolve("link.png"), dir.resolve("secret.png"));

    assertRejected(DeadLetterReason.URI_REFUSED, link.toUri().toString());
  }

  @Test
  void shouldFailMissingFileBelowRoot() {
    assertRejected(
        DeadLetterReason.URI_FETCH_FAILED, root.resolve("missing.png").toUri().toString());
  }

  @Test
  void shouldRefuseFileAboveByteLimit() throws IOException {
    Files.write(root.resolve("big.png"), new byte[17]);

    assertRejected(DeadLetterReason.IMAGE_TOO_LARGE, root.resolve("big.png").toUri().toString());
  }

  @Test
  void shouldRefuseFileWithoutConfiguredRoot() {
    ImageResolver noRoot = new ImageResolver(new ImageSourcePolicy(Optional.empty(), 16));

    RejectedInputException e =
        assertThrows(
            RejectedInputException.class,
            () -> noRoot.resolve(null, root.resolve("cat.png").toUri().toString()));
    assertEquals(DeadLetterReason.URI_REFUSED, e.reason());
  }

  @Test
  void shouldRefuseUnknownSchemeAndInvalidUri() {
    assertRejected(DeadLetterReason.URI_REFUSED, "ftp://example.com/cat.png");
    assertRejected(DeadLetterReason.URI_REFUSED, "s3://bucket/cat.png");
    assertRejected(DeadLetterReason.URI_REFUSED, "not a uri with spaces");
  }
}
