package dev.bgevl.streams.embedded.testkit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Generated test images: distinct colours and shapes on distinct backgrounds, as PNG bytes with a
 * caption.
 */
public final class TestImages {

  /** One generated image. */
  public record Sample(String id, String caption, String colour, String shape, byte[] png) {}

  private static final String[] COLOURS = {"red", "green", "blue", "yellow", "magenta"};
  private static final Color[] RGB = {
    Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW, Color.MAGENTA
  };
  private static final String[] SHAPES = {"circle", "square", "triangle", "stripes"};
  private static final Color[] BACKGROUNDS = {
    Color.WHITE, Color.BLACK, Color.GRAY, new Color(40, 80, 40)
  };

  private TestImages() {}

  /**
   * {@code count} images (at most 20), every one different in colour, shape or background, 64..300
   * px.
   */
  public static List<Sample> generate(int count) {
    return generate("img", count, 0);
  }

  /**
   * {@code count} images (at most 20) with ids {@code <prefix>-<i>-<colour>-<shape>}. A seed other
   * than 0 scatters seeded specks over each, so two sets with different seeds share no image and no
   * two scores tie across tests.
   */
  public static List<Sample> generate(String prefix, int count, long seed) {
    List<Sample> out = new ArrayList<>();
    java.util.Random random = new java.util.Random(seed);
    for (int i = 0; i < count; i++) {
      int c = i % COLOURS.length;
      int s = i / COLOURS.length % SHAPES.length;
      int size = 64 + (i * 37) % 237;
      int width = i % 3 == 0 ? size * 3 / 2 : size;
      BufferedImage image = new BufferedImage(width, size, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(BACKGROUNDS[(i + s) % BACKGROUNDS.length]);
      g.fillRect(0, 0, width, size);
      g.setColor(RGB[c]);
      int m = size / 6;
      switch (SHAPES[s]) {
        case "circle" -> g.fillOval(m, m, width - 2 * m, size - 2 * m);
        case "square" -> g.fillRect(m, m, size - 2 * m, size - 2 * m);
        case "triangle" ->
            g.fillPolygon(
                new int[] {width / 2, m, width - m}, new int[] {m, size - m, size - m}, 3);
        default -> {
          for (int x = 0; x < width; x += m) {
            g.fillRect(x, 0, m / 2 + 1, size);
          }
        }
      }
      if (seed != 0) {
        for (int k = 0; k < 24; k++) {
          g.setColor(new Color(random.nextInt(1 << 24)));
          g.fillRect(
              random.nextInt(width),
              random.nextInt(size),
              2 + random.nextInt(6),
              2 + random.nextInt(6));
        }
      }
      g.dispose();
      String id = prefix + "-" + i + "-" + COLOURS[c] + "-" + SHAPES[s];
      out.add(
          new Sample(id, "a " + COLOURS[c] + " " + SHAPES[s], COLOURS[c], SHAPES[s], png(image)));
    }
    return out;
  }

  /**
   * A photo-like PNG of about {@code bytes} bytes: seeded noise over smooth gradients, so it
   * neither compresses away nor decodes to a flat image. The size is approached by the pixel count
   * (noise PNGs cost ~3 bytes per pixel).
   */
  public static byte[] photoLikePng(int approximateBytes, long seed) {
    java.util.Random random = new java.util.Random(seed);
    int pixels = approximateBytes / 3;
    int width = (int) Math.sqrt(pixels * 4.0 / 3.0);
    int height = pixels / width;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / width + random.nextInt(64)) & 0xff;
        int g = (y * 255 / height + random.nextInt(64)) & 0xff;
        int b = ((x + y) * 255 / (width + height) + random.nextInt(64)) & 0xff;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return png(image);
  }

  public static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(image, "png", bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
