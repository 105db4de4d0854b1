package dev.bgevl.streams.encoder.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Our preprocessed tensors against transformers' CLIPImageProcessor (PIL backend) on the reference
 * images. PNGs must match to float rounding (1e-5); the JPEG within 0.03, about 2 grey levels
 * after normalization, because Java's JPEG decoder is not libjpeg-turbo.
 */
class ClipImagePreprocessorTest {

  @Test
  void shouldReproduceReferencePixels() throws IOException {
    ModelBundle bundle = ModelBundle.load(TinyBundle.path());
    ClipImagePreprocessor preprocessor = new ClipImagePreprocessor(bundle.manifest().image());
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    StringBuilder report = new StringBuilder();
    for (JsonNode img : TinyBundle.reference().get("images")) {
      String file = img.get("file").asText();
      float[] ours = preprocessor.preprocess(decoder.decode(Files.readAllBytes(TinyBundle.referenceDir().resolve(file))));
      ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(TinyBundle.referenceDir().resolve(img.get("pixels_file").asText())))
          .order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(ours.length * 4, ref.capacity(), file + ": tensor size");
      double maxDiff = 0;
      for (float v : ours) {
        maxDiff = Math.max(maxDiff, Math.abs(v - ref.getFloat()));
      }
      report.append(file).append('=').append(maxDiff).append(' ');
      double tolerance = file.endsWith(".jpg") ? 0.03 : 1e-5;
      assertTrue(maxDiff <= tolerance, file + ": max abs pixel diff " + maxDiff + " > " + tolerance + " (" + report + ")");
    }
    System.out.println("Preprocessing max abs diff vs transformers: " + report);
  }
}
