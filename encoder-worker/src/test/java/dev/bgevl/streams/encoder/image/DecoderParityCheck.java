package dev.bgevl.streams.encoder.image;

import dev.bgevl.streams.encoder.ImageLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A wide decode check, not a test: every {@code X.webp|.jpg|.png|.gif} of a folder against Pillow's
 * pixels in {@code X.rgb}, as written by {@code tools/make_image_fixtures.py --probe N --out DIR}.
 * Prints how many match byte for byte and the worst difference; exits 1 when any differs.
 */
public final class DecoderParityCheck {

  private DecoderParityCheck() {}

  public static void main(String[] args) throws IOException {
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    List<Path> images;
    try (Stream<Path> files = Files.list(Path.of(args[0]))) {
      images =
          files.filter(p -> p.toString().matches(".*\\.(webp|jpg|png|gif)$")).sorted().toList();
    }
    int exact = 0;
    int worst = 0;
    for (Path image : images) {
      String name = image.getFileName().toString();
      byte[] expected =
          Files.readAllBytes(
              image.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".rgb"));
      byte[] got = decoder.decode(Files.readAllBytes(image)).rgb();
      int diff = got.length == expected.length ? 0 : 255;
      for (int i = 0; diff < 255 && i < got.length; i++) {
        diff = Math.max(diff, Math.abs((got[i] & 0xFF) - (expected[i] & 0xFF)));
      }
      exact += diff == 0 ? 1 : 0;
      worst = Math.max(worst, diff);
      if (diff > 0) {
        System.out.println(name + ": differs from Pillow by up to " + diff);
      }
    }
    System.out.println(
        exact
            + " of "
            + images.size()
            + " images decode exactly as Pillow; worst difference "
            + worst);
    System.exit(exact == images.size() ? 0 : 1);
  }
}
