package dev.bgevl.streams.encoder.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.bundle.InvalidBundleException;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.mllm.MllmBundle;
import dev.bgevl.streams.encoder.mllm.OnnxMllmEncoder;
import dev.bgevl.streams.encoder.onnx.OnnxBgeVlEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the ONNX encoder a bundle folder needs, chosen by its manifest's {@code architecture}. */
public final class OnnxEncoders {

  private OnnxEncoders() {}

  /** A CLIP bundle gets {@link OnnxBgeVlEncoder}, an MLLM bundle {@link OnnxMllmEncoder}. */
  public static Encoder open(Path bundleDir, EncoderConfig config) {
    String architecture = architecture(bundleDir);
    if (MllmBundle.ARCHITECTURE.equals(architecture)) {
      return OnnxMllmEncoder.open(MllmBundle.load(bundleDir), config);
    }
    // everything else, unknown architectures included, gets ModelBundle's checks and messages
    return OnnxBgeVlEncoder.open(ModelBundle.load(bundleDir), config);
  }

  static String architecture(Path bundleDir) {
    Path manifest = bundleDir.resolve("manifest.json");
    if (!Files.isRegularFile(manifest)) {
      return null;
    }
    try {
      return new ObjectMapper().readTree(manifest.toFile()).path("architecture").asText(null);
    } catch (IOException e) {
      throw new InvalidBundleException(
          "Unreadable manifest " + manifest + ": " + e.getMessage(), e);
    }
  }
}
