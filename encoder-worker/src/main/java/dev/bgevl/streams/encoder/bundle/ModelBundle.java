package dev.bgevl.streams.encoder.bundle;

import java.nio.file.Path;
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

  public ModelBundle {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(manifest, "manifest");
  }

  /** Reads and verifies the bundle in {@code directory}. */
  public static ModelBundle load(Path directory) {
    long start = System.nanoTime();
    BundleFolder folder = BundleFolder.of(directory);
    Path dir = folder.directory();
    ModelManifest manifest = folder.readManifest(ModelManifest.class);
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
    return BundleFolder.of(directory).resolve(relative);
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
    BundleFolder.of(directory).verify(relative, expectedSha256);
  }

  private InvalidBundleException invalid(String what) {
    return BundleFolder.of(directory).invalid(what);
  }
}
