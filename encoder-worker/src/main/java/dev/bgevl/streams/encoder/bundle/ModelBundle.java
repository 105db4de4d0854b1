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
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model bundle folder, checked on load: manifest read, every file present and matching its
 * sha256.
 */
public record ModelBundle(Path directory, ModelManifest manifest) {
  private static final Logger log = LoggerFactory.getLogger(ModelBundle.class);

  /** The only architecture this build can run. */
  public static final String CLIP_ARCHITECTURE = "bge-vl-clip";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public ModelBundle {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(manifest, "manifest");
  }

  /** Reads and verifies the bundle in {@code directory}. */
  public static ModelBundle load(Path directory) {
    long start = System.nanoTime();
    Path dir = directory.toAbsolutePath().normalize();
    Path manifestFile = dir.resolve("manifest.json");
    if (!Files.isRegularFile(manifestFile)) {
      throw new InvalidBundleException(
          "No manifest.json in model bundle folder "
              + dir
              + " (export one with tools/export_bgevl.py)");
    }
    ModelManifest manifest;
    try {
      manifest = JSON.readValue(manifestFile.toFile(), ModelManifest.class);
    } catch (IOException e) {
      throw new InvalidBundleException(
          "Unreadable manifest " + manifestFile + ": " + e.getMessage(), e);
    }
    ModelBundle bundle = new ModelBundle(dir, manifest);
    bundle.validate();
    log.info(
        "Loaded model bundle model={} dim={} dir={} tookMs={}",
        manifest.modelId(),
        manifest.embeddingDim(),
        dir,
        (System.nanoTime() - start) / 1_000_000);
    return bundle;
  }

  public Path visionGraph() {
    return resolve(manifest.files().vision().path());
  }

  /** The fp16 vision graph, or {@code null} when the bundle has none. */
  public Path visionFp16Graph() {
    ModelManifest.GraphFile f = manifest.files().visionFp16();
    return f == null ? null : resolve(f.path());
  }

  public Path textGraph() {
    return resolve(manifest.files().text().path());
  }

  public Path tokenizerFile() {
    return resolve(manifest.files().tokenizer().path());
  }

  private Path resolve(String relative) {
    Path p = directory.resolve(relative).normalize();
    if (!p.startsWith(directory)) {
      throw new InvalidBundleException("Bundle file " + relative + " points outside " + directory);
    }
    return p;
  }

  private void validate() {
    ModelManifest m = manifest;
    if (m.formatVersion() != 1) {
      throw invalid("unsupported format_version " + m.formatVersion() + " (this build reads 1)");
    }
    if (!CLIP_ARCHITECTURE.equals(m.architecture())) {
      throw invalid(
          "architecture '"
              + m.architecture()
              + "' is not supported; this build runs "
              + CLIP_ARCHITECTURE
              + " (BGE-VL-base, BGE-VL-large)");
    }
    if (m.modelId() == null || m.modelId().isBlank()) {
      throw invalid("model_id is missing");
    }
    if (m.embeddingDim() <= 0) {
      throw invalid("embedding_dim must be positive");
    }
    if (m.image() == null
        || m.text() == null
        || m.files() == null
        || m.files().vision() == null
        || m.files().text() == null
        || m.files().tokenizer() == null) {
      throw invalid("image, text and files (vision, text, tokenizer) are required");
    }
    ModelManifest.ImageSpec img = m.image();
    if (img.mean() == null
        || img.mean().length != 3
        || img.std() == null
        || img.std().length != 3) {
      throw invalid("image.mean and image.std need 3 values each");
    }
    if (img.cropSize() <= 0 || img.resizeShortestEdge() <= 0) {
      throw invalid("image.crop_size and image.resize_shortest_edge must be positive");
    }
    if (!"bicubic".equals(img.resample())) {
      throw invalid("image.resample '" + img.resample() + "' is not supported (bicubic)");
    }
    if (m.text().maxTokens() < 2) {
      throw invalid("text.max_tokens must be at least 2");
    }
    verify(m.files().vision().path(), m.files().vision().sha256());
    verify(m.files().text().path(), m.files().text().sha256());
    verify(m.files().tokenizer().path(), m.files().tokenizer().sha256());
    if (m.files().visionFp16() != null) {
      verify(m.files().visionFp16().path(), m.files().visionFp16().sha256());
    }
  }

  private void verify(String relative, String expectedSha256) {
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

  /** Hex sha256 of a file: the check every bundle kind runs on its files. */
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

  private InvalidBundleException invalid(String what) {
    return new InvalidBundleException("Model bundle " + directory + ": " + what);
  }
}
