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
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Turns image bytes into a baseline JPEG whose longest side is at most the policy's: decoded by the
 * encoder's own decoder (so every format the service embeds gets a thumbnail, WebP included),
 * shrunk with PIL's bicubic filter, never enlarged. Thread-safe.
 */
public final class ThumbnailMaker {

  private final ThumbnailPolicy policy;
  private final ImageDecoder decoder;
  private final PilBicubicResampler resampler = new PilBicubicResampler();

  public ThumbnailMaker(ThumbnailPolicy policy, ImageLimits limits) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.decoder = new ImageDecoder(limits);
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
      small = resampler.resize(decoded, width, height);
    }
    return jpeg(small);
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
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
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
