package dev.bgevl.streams.encoder.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.RejectReason;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoded pixels against Pillow's, byte for byte, on the fixtures of {@code
 * tools/make_image_fixtures.py}: lossy and lossless WebP (with and without alpha, several
 * qualities, odd sizes), JPEGs carrying Display P3, Adobe RGB and linear-RGB ICC profiles, and
 * JPEG, PNG, GIF and WebP files cut at several points, each refused exactly when {@code
 * Image.open(...).convert('RGB')} refuses it.
 */
class DecodingParityTest {

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

  static Path dir() {
    return TinyBundle.referenceDir().resolve("decoding");
  }

  static JsonNode fixtures() {
    return TinyBundle.json(dir().resolve("decoding.json"));
  }

  static Stream<Arguments> images() {
    List<Arguments> out = new ArrayList<>();
    fixtures().get("images").forEach(n -> out.add(Arguments.of(n.get("file").asText(), n)));
    return out.stream();
  }

  static Stream<Arguments> truncations() {
    List<Arguments> out = new ArrayList<>();
    fixtures()
        .get("truncations")
        .forEach(
            n ->
                out.add(
                    Arguments.of(
                        n.get("file").asText()
                            + " keeping "
                            + n.get("keep_bytes").asInt()
                            + "/"
                            + n.get("of_bytes").asInt(),
                        n)));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("images")
  void shouldDecodeExactlyAsPillow(String file, JsonNode fixture) throws IOException {
    RgbImage rgb = decoder.decode(Files.readAllBytes(dir().resolve(file)));
    byte[] expected = Files.readAllBytes(dir().resolve(fixture.get("rgb_file").asText()));
    assertEquals(fixture.get("width").asInt(), rgb.width(), file + " width");
    assertEquals(fixture.get("height").asInt(), rgb.height(), file + " height");
    if (!Arrays.equals(expected, rgb.rgb())) {
      int worst = 0;
      int differing = 0;
      for (int i = 0; i < expected.length; i++) {
        int d = Math.abs((expected[i] & 0xFF) - (rgb.rgb()[i] & 0xFF));
        worst = Math.max(worst, d);
        differing += d > 0 ? 1 : 0;
      }
      fail(
          file
              + ": "
              + differing
              + " of "
              + expected.length
              + " samples differ from Pillow's, by up to "
              + worst);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("truncations")
  void shouldRefuseTruncatedFilesExactlyWhenPillowDoes(String label, JsonNode fixture)
      throws IOException {
    byte[] whole = Files.readAllBytes(dir().resolve(fixture.get("file").asText()));
    byte[] cut = Arrays.copyOf(whole, fixture.get("keep_bytes").asInt());
    boolean pillowAccepts = fixture.get("pil").asText().equals("accepted");
    RgbImage rgb;
    try {
      rgb = decoder.decode(cut);
    } catch (InvalidInputException e) {
      assertEquals(RejectReason.IMAGE_UNDECODABLE, e.reason(), label);
      assertTrue(!pillowAccepts, label + ": Pillow accepts it, we refused: " + e.getMessage());
      return;
    }
    assertTrue(
        pillowAccepts,
        label + ": Pillow refuses it (" + fixture.path("pil_error").asText() + "), we decoded it");
    assertEquals(
        fixture.get("rgb_sha256").asText(),
        sha256(rgb.rgb()),
        label + ": pixels differ from Pillow's");
  }

  @Test
  void shouldCoverEveryFormatAndBothOutcomes() {
    JsonNode t = fixtures().get("truncations");
    long refused = 0;
    long accepted = 0;
    for (JsonNode n : t) {
      refused += n.get("pil").asText().equals("refused") ? 1 : 0;
      accepted += n.get("pil").asText().equals("accepted") ? 1 : 0;
    }
    assertTrue(refused >= 40 && accepted >= 5, "refused=" + refused + " accepted=" + accepted);
    for (String ext : new String[] {".jpg", ".png", ".gif", ".webp"}) {
      assertTrue(
          t.findValuesAsText("file").stream().anyMatch(f -> f.endsWith(ext)),
          "no truncated " + ext);
    }
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
