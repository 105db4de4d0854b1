package dev.bgevl.streams.encoder.bundle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What every bundle kind (CLIP, MLLM) does with its folder: read {@code manifest.json}, resolve a
 * file inside the folder (never outside it), and check a file against its sha256.
 */
public final class BundleFolder {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path directory;

  private BundleFolder(Path directory) {
    this.directory = directory;
  }

  /** The bundle folder at {@code directory}, made absolute. */
  public static BundleFolder of(Path directory) {
    return new BundleFolder(directory.toAbsolutePath().normalize());
  }

  public Path directory() {
    return directory;
  }

  /** The folder's {@code manifest.json} read as {@code type}. */
  public <T> T readManifest(Class<T> type) {
    Path file = directory.resolve("manifest.json");
    if (!Files.isRegularFile(file)) {
      throw new InvalidBundleException(
          "No manifest.json in model bundle folder "
              + directory
              + " (export one with tools/export_bgevl.py)");
    }
    try {
      return JSON.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new InvalidBundleException("Unreadable manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code relative} inside the folder; a path that leaves it is refused. */
  public Path resolve(String relative) {
    Path p = directory.resolve(relative).normalize();
    if (!p.startsWith(directory)) {
      throw invalid("file " + relative + " points outside the bundle");
    }
    return p;
  }

  /** The file must exist and, when the manifest gives one, match its sha256. */
  public void verify(String relative, String expectedSha256) {
    Path file = resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw invalid("missing file " + relative);
    }
    if (expectedSha256 == null || expectedSha256.isBlank()) {
      return;
    }
    String actual = sha256(file);
    if (!actual.equalsIgnoreCase(expectedSha256)) {
      throw invalid(
          "file "
              + relative
              + " has sha256 "
              + actual
              + ", manifest says "
              + expectedSha256
              + " (corrupt or partial copy?)");
    }
  }

  /** A refusal that names the folder. */
  public InvalidBundleException invalid(String what) {
    return new InvalidBundleException("Model bundle " + directory + ": " + what);
  }

  /** Hex sha256 of a file. */
  public static String sha256(Path file) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // reading feeds the digest
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new InvalidBundleException("Cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
