package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.bundle.BundleFolder;
import dev.bgevl.streams.encoder.bundle.InvalidBundleException;
import dev.bgevl.streams.encoder.bundle.ModelManifest;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MLLM bundle folder, checked on load: manifest read, every file present and matching its
 * sha256.
 */
public record MllmBundle(Path directory, MllmManifest manifest) {
  private static final Logger log = LoggerFactory.getLogger(MllmBundle.class);

  /** The {@code architecture} value of these bundles. */
  public static final String ARCHITECTURE = "bge-vl-mllm";

  public MllmBundle {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(manifest, "manifest");
  }

  /** Reads and verifies the bundle in {@code directory}. */
  public static MllmBundle load(Path directory) {
    long start = System.nanoTime();
    BundleFolder folder = BundleFolder.of(directory);
    Path dir = folder.directory();
    MllmManifest manifest = folder.readManifest(MllmManifest.class);
    MllmBundle bundle = new MllmBundle(dir, manifest);
    bundle.validate();
    log.info(
        "Loaded model bundle model={} architecture={} dim={} dir={} tookMs={}",
        manifest.modelId(),
        ARCHITECTURE,
        manifest.embeddingDim(),
        dir,
        (System.nanoTime() - start) / 1_000_000);
    return bundle;
  }

  public Path visionGraph() {
    return resolve(manifest.files().vision().path());
  }

  public Path embedGraph() {
    return resolve(manifest.files().embed().path());
  }

  public Path decoderGraph() {
    return resolve(manifest.files().decoder().path());
  }

  public Path imageNewlineFile() {
    return resolve(manifest.files().imageNewline().path());
  }

  public Path tokenizerFile() {
    return resolve(manifest.files().tokenizer().path());
  }

  private Path resolve(String relative) {
    return BundleFolder.of(directory).resolve(relative);
  }

  private void validate() {
    MllmManifest m = manifest;
    if (m.formatVersion() != 1) {
      throw invalid("unsupported format_version " + m.formatVersion() + " (this build reads 1)");
    }
    if (!ARCHITECTURE.equals(m.architecture())) {
      throw invalid("architecture '" + m.architecture() + "' is not " + ARCHITECTURE);
    }
    if (m.modelId() == null || m.modelId().isBlank() || m.embeddingDim() <= 0) {
      throw invalid("model_id and a positive embedding_dim are required");
    }
    MllmManifest.Spec s = m.mllm();
    if (s == null || m.image() == null || m.text() == null || m.files() == null) {
      throw invalid("mllm, image, text and files are required");
    }
    if (s.hiddenSize() != m.embeddingDim()) {
      throw invalid(
          "mllm.hidden_size " + s.hiddenSize() + " differs from embedding_dim " + m.embeddingDim());
    }
    if (s.tileSize() <= 0
        || s.patchSize() <= 0
        || s.tileSize() % s.patchSize() != 0
        || s.tileSize() != m.image().cropSize()) {
      throw invalid(
          "tile_size must be a positive multiple of patch_size and equal image.crop_size");
    }
    if (s.gridPinpoints() == null
        || s.gridPinpoints().length == 0
        || s.preResize() == null
        || s.preResize().length != 2) {
      throw invalid("grid_pinpoints and pre_resize [width, height] are required");
    }
    for (int[] p : s.gridPinpoints()) {
      if (p.length != 2 || p[0] % s.tileSize() != 0 || p[1] % s.tileSize() != 0) {
        throw invalid("every grid pinpoint must be [height, width] in multiples of tile_size");
      }
    }
    if (!"default".equals(s.visionFeatureSelectStrategy())) {
      // "full" keeps CLS, so a tile no longer holds a square grid of patches to pack
      throw invalid(
          "vision_feature_select_strategy '"
              + s.visionFeatureSelectStrategy()
              + "' is not supported (default)");
    }
    if (s.templates() == null || s.defaultInstruction() == null || s.imageToken() == null) {
      throw invalid("templates, default_instruction and image_token are required");
    }
    MllmManifest.Files f = m.files();
    if (f.vision() == null
        || f.embed() == null
        || f.decoder() == null
        || f.imageNewline() == null
        || f.tokenizer() == null) {
      throw invalid("files vision, embed, decoder, image_newline and tokenizer are required");
    }
    verify(f.vision().path(), f.vision().sha256());
    verify(f.vision().externalData());
    verify(f.embed().path(), f.embed().sha256());
    verify(f.embed().externalData());
    verify(f.decoder().path(), f.decoder().sha256());
    verify(f.decoder().externalData());
    verify(f.imageNewline());
    verify(f.tokenizer());
  }

  private void verify(ModelManifest.PlainFile file) {
    if (file != null) {
      verify(file.path(), file.sha256());
    }
  }

  private void verify(String relative, String expected) {
    BundleFolder.of(directory).verify(relative, expected);
  }

  private InvalidBundleException invalid(String what) {
    return BundleFolder.of(directory).invalid(what);
  }
}
