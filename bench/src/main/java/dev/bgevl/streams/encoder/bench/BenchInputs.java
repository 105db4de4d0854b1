package dev.bgevl.streams.encoder.bench;

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
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The benchmark's inputs, made in-process and seeded: photo-like 640x480 images (gradients, shapes
 * and sensor-like noise, so PNG and JPEG sizes are realistic) and short captions.
 */
final class BenchInputs {

  /** Captions of 10 to 20 CLIP tokens (BOS and EOS included), like alt texts and product titles. */
  static final List<String> CAPTIONS =
      List.of(
          "a brown dog running on a sandy beach at sunset",
          "two children playing football in a green park",
          "a red sports car parked in front of an old building",
          "close-up photo of a cup of coffee with latte art on a wooden table",
          "a woman in a blue dress walking through a busy market",
          "snow covered mountains under a clear blue sky",
          "a plate of pasta with tomato sauce and fresh basil",
          "an orange cat sleeping on a grey sofa next to a window",
          "a cyclist riding along a mountain road in the morning fog",
          "aerial view of a city at night with bright street lights",
          "a white sneaker with black laces on a plain background",
          "a group of friends having a picnic by the lake",
          "a vintage camera lying on top of an open map",
          "fresh strawberries and blueberries in a glass bowl",
          "a lighthouse on a rocky coast during a storm",
          "a modern kitchen with white cabinets and a marble island");

  private BenchInputs() {}

  /**
   * {@code count} images of {@code width}x{@code height}, alternating JPEG (quality 0.9) and PNG.
   */
  static List<EncodedImage> images(int count, int width, int height, long seed) {
    List<EncodedImage> out = new ArrayList<>(count);
    Random random = new Random(seed);
    for (int i = 0; i < count; i++) {
      BufferedImage img = photoLike(width, height, random);
      String format = i % 2 == 0 ? "jpg" : "png";
      out.add(new EncodedImage("bench-" + i + "." + format, format, encode(img, format)));
    }
    return out;
  }

  /** The i-th caption, cycling. */
  static String caption(int i) {
    return CAPTIONS.get(Math.floorMod(i, CAPTIONS.size()));
  }

  private static BufferedImage photoLike(int width, int height, Random random) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, randomColor(random), width, height, randomColor(random)));
    g.fillRect(0, 0, width, height);
    for (int s = 0; s < 12; s++) {
      g.setColor(randomColor(random));
      int w = 40 + random.nextInt(width / 2);
      int h = 40 + random.nextInt(height / 2);
      int x = random.nextInt(width - 20);
      int y = random.nextInt(height - 20);
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
    // why: flat synthetic colours compress far better than photos; +-6 levels of noise brings
    // PNG/JPEG sizes (and so decode cost) to camera-like values
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
      Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
      ImageWriter writer = writers.next();
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

  /** One encoded image file. */
  record EncodedImage(String name, String format, byte[] bytes) {}
}
