package dev.bgevl.streams.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Seeded photo-like images (gradient, shapes, +-6 levels of sensor-like noise) and captions, the
 * same recipe as encoder-worker's {@code BenchInputs} (test classes of another module are not on
 * this classpath), so encoded sizes and decode costs are camera-like.
 */
final class BenchImages {

  static final List<String> CAPTIONS =
      List.of(
          "a brown dog running on a sandy beach at sunset",
          "two children playing football in a green park",
          "a red sports car parked in front of an old building",
          "close-up photo of a cup of coffee with latte art on a wooden table",
          "a woman in a blue dress walking through a busy market",
          "snow covered mountains under a clear blue sky",
          "a plate of pasta with tomato sauce and fresh basil",
          "an orange cat sleeping on a grey sofa next to a window");

  /** Modification texts of composed queries. */
  static final List<String> MODIFICATIONS =
      List.of(
          "make it red",
          "at night",
          "with snow on the ground",
          "seen from above",
          "in black and white",
          "with two of them",
          "on a wooden table",
          "in a watercolour style");

  private BenchImages() {}

  /**
   * {@code count} distinct images of {@code width}x{@code height}; every {@code pngEvery}-th is a
   * PNG (0: none), the rest JPEG at quality 0.9.
   */
  static List<byte[]> images(int count, int width, int height, int pngEvery, long seed) {
    List<byte[]> out = new ArrayList<>(count);
    Random random = new Random(seed);
    for (int i = 0; i < count; i++) {
      boolean png = pngEvery > 0 && i % pngEvery == pngEvery - 1;
      out.add(encode(photoLike(width, height, random), png ? "png" : "jpeg"));
    }
    return out;
  }

  static String caption(int i) {
    return CAPTIONS.get(Math.floorMod(i, CAPTIONS.size()));
  }

  static String modification(int i) {
    return MODIFICATIONS.get(Math.floorMod(i, MODIFICATIONS.size()));
  }

  private static BufferedImage photoLike(int width, int height, Random random) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, randomColor(random), width, height, randomColor(random)));
    g.fillRect(0, 0, width, height);
    for (int s = 0; s < 12; s++) {
      g.setColor(randomColor(random));
      int w = 4 + random.nextInt(Math.max(1, width / 2));
      int h = 4 + random.nextInt(Math.max(1, height / 2));
      int x = random.nextInt(Math.max(1, width - 2));
      int y = random.nextInt(Math.max(1, height - 2));
      switch (s % 3) {
        case 0 -> g.fillOval(x, y, w, h);
        case 1 -> g.fillRect(x, y, w, h);
        default -> {
          g.setStroke(new BasicStroke(2 + random.nextInt(8)));
          g.drawLine(x, y, x + w, y + h);
        }
      }
    }
    g.dispose();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = img.getRGB(x, y);
        int n = random.nextInt(13) - 6;
        img.setRGB(
            x,
            y,
            clamp((rgb >> 16 & 0xff) + n) << 16
                | clamp((rgb >> 8 & 0xff) + n) << 8
                | clamp((rgb & 0xff) + n));
      }
    }
    return img;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static Color randomColor(Random random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }

  private static byte[] encode(BufferedImage img, String format) {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
      if (format.equals("png")) {
        ImageIO.write(img, "png", bytes);
        return bytes.toByteArray();
      }
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(img, null, null), param);
      } finally {
        writer.dispose();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
