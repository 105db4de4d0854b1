package dev.bgevl.streams.thumbnails;

import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.encoder.image.PilBicubicResampler;
import dev.bgevl.streams.encoder.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.spi.ImageWriterSpi;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Turns image bytes into a baseline JPEG whose longest side is at most the policy's: decoded by the
 * encoder's own decoder (so every format the service embeds gets a thumbnail, WebP included),
 * shrunk as Pillow's {@code thumbnail()} shrinks (a box average by a whole factor while the image
 * is more than twice the target, then the bicubic filter), never enlarged. Thread-safe.
 */
public final class ThumbnailMaker {

  /** Box-average while the image is more than this many times the target, as Pillow does. */
  private static final double REDUCING_GAP = 2.0;

  private final ThumbnailPolicy policy;
  private final ImageDecoder decoder;
  private final PilBicubicResampler resampler = new PilBicubicResampler();
  // found once: the registry lookup is per process, a writer instance per thumbnail (not
  // thread-safe)
  private final ImageWriterSpi jpegWriters;

  public ThumbnailMaker(ThumbnailPolicy policy, ImageLimits limits) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.decoder = new ImageDecoder(limits);
    this.jpegWriters = ImageIO.getImageWritersByFormatName("jpeg").next().getOriginatingProvider();
  }

  /**
   * The thumbnail of {@code image}; throws {@link dev.bgevl.streams.encoder.InvalidInputException}
   * when it does not decode.
   */
  public byte[] make(byte[] image) {
    if (!policy.enabled()) {
      throw new IllegalStateException("thumbnails are off (thumbnails.max-side 0)");
    }
    RgbImage decoded = decoder.decode(image);
    int longest = Math.max(decoded.width(), decoded.height());
    RgbImage small = decoded;
    if (longest > policy.maxSide()) {
      double scale = (double) policy.maxSide() / longest;
      int width = Math.max(1, (int) Math.round(decoded.width() * scale));
      int height = Math.max(1, (int) Math.round(decoded.height() * scale));
      // Pillow's reducing_gap=2: the bicubic pass then reads a quarter or less of the pixels, which
      // made thumbnails of 1080p photos cost 1.4x the encoder's whole image front-end
      int factor = (int) Math.floor(1 / scale / REDUCING_GAP);
      small = resampler.resize(factor >= 2 ? boxReduce(decoded, factor) : decoded, width, height);
    }
    return jpeg(small);
  }

  /** The mean of each factor x factor block (edge blocks: of the pixels they have). */
  static RgbImage boxReduce(RgbImage image, int factor) {
    int width = (image.width() + factor - 1) / factor;
    int height = (image.height() + factor - 1) / factor;
    byte[] in = image.rgb();
    byte[] out = new byte[width * height * 3];
    int[] sums = new int[width * 3];
    int[] counts = new int[width];
    for (int y = 0; y < height; y++) {
      Arrays.fill(sums, 0);
      Arrays.fill(counts, 0);
      int rows = Math.min(factor, image.height() - y * factor);
      for (int r = 0; r < rows; r++) {
        int row = (y * factor + r) * image.width() * 3;
        for (int x = 0; x < image.width(); x++) {
          int cell = x / factor;
          int i = row + x * 3;
          sums[cell * 3] += in[i] & 0xff;
          sums[cell * 3 + 1] += in[i + 1] & 0xff;
          sums[cell * 3 + 2] += in[i + 2] & 0xff;
          counts[cell]++;
        }
      }
      int base = y * width * 3;
      for (int cell = 0; cell < width; cell++) {
        int n = counts[cell];
        for (int c = 0; c < 3; c++) {
          out[base + cell * 3 + c] = (byte) ((sums[cell * 3 + c] + n / 2) / n);
        }
      }
    }
    return new RgbImage(width, height, out);
  }

  private byte[] jpeg(RgbImage image) {
    BufferedImage buffered =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) buffered.getRaster().getDataBuffer()).getData();
    byte[] rgb = image.rgb();
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    ImageWriter writer;
    try {
      writer = jpegWriters.createWriterInstance();
    } catch (IOException e) {
      throw new UncheckedIOException("no JPEG writer for a thumbnail", e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(policy.quality() / 100f);
      writer.write(null, new IIOImage(buffered, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding of a thumbnail failed", e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
