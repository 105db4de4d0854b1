package dev.bgevl.streams.encoder.mllm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.bundle.InvalidBundleException;
import dev.bgevl.streams.encoder.onnx.OnnxBgeVlEncoder;
import dev.bgevl.streams.encoder.runtime.OnnxEncoders;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import dev.bgevl.streams.encoder.testkit.TinyMllmBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading MLLM bundles: what the manifest promises is checked, and the bundle kind picks the
 * encoder.
 */
class MllmBundleTest {

  @TempDir Path tmp;

  Path copyOfTinyBundle() throws IOException {
    Path dir = tmp.resolve("bundle");
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(TinyMllmBundle.path())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  @Test
  void shouldReadTheCommittedBundlesContract() {
    MllmManifest m = MllmBundle.load(TinyMllmBundle.path()).manifest();
    assertEquals(32, m.embeddingDim());
    assertEquals(32000L, m.mllm().imageTokenId());
    assertEquals(5, m.mllm().gridPinpoints().length);
    assertEquals(336, m.mllm().tileSize());
  }

  @Test
  void shouldRefuseABundleWhoseFileDoesNotMatchItsChecksum() throws IOException {
    Path dir = copyOfTinyBundle();
    Files.write(dir.resolve("image_newline.f32"), new byte[] {0}, StandardOpenOption.APPEND);
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> MllmBundle.load(dir));
    assertTrue(e.getMessage().contains("image_newline.f32"), e.getMessage());
  }

  @Test
  void shouldRefuseABundleWithoutItsDecoder() throws IOException {
    Path dir = copyOfTinyBundle();
    Files.delete(dir.resolve("decoder.onnx"));
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> MllmBundle.load(dir));
    assertTrue(e.getMessage().contains("missing file decoder.onnx"), e.getMessage());
  }

  @Test
  void shouldOpenTheEncoderTheBundleKindNeeds() {
    EncoderConfig config = EncoderConfig.DEFAULT.withIntraOpThreads(1);
    try (Encoder mllm = OnnxEncoders.open(TinyMllmBundle.path(), config);
        Encoder clip = OnnxEncoders.open(TinyBundle.path(), config)) {
      assertInstanceOf(OnnxMllmEncoder.class, mllm);
      assertEquals("bge-vl-mllm-tiny-random", mllm.model().id());
      assertInstanceOf(OnnxBgeVlEncoder.class, clip);
    }
  }
}
