package dev.bgevl.streams.encoder.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.RejectReason;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, out)) {
      throw new IOException("no writer for " + format);
    }
    return out.toByteArray();
  }

  @Test
  void shouldDecodeRgbPngExactly() throws IOException {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x102030);
    image.setRGB(2, 1, 0xA0B0C0);
    RgbImage rgb = decoder.decode(encode(image, "png"));
    assertEquals(3, rgb.width());
    assertEquals(2, rgb.height());
    assertEquals(0x10, rgb.sample(0, 0, 0));
    assertEquals(0x20, rgb.sample(0, 0, 1));
    assertEquals(0x30, rgb.sample(0, 0, 2));
    assertEquals(0xC0, rgb.sample(2, 1, 2));
  }

  @Test
  void shouldCompositeAlphaOntoWhiteLikeTransformers() throws IOException {
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0x00C86432); // fully transparent: white, whatever the colour
    image.setRGB(1, 0, 0xFFC86432); // opaque: the colour itself
    image.setRGB(2, 0, 0x80000000); // half-transparent black: mid grey
    RgbImage rgb = decoder.decode(encode(image, "png"));
    assertEquals(255, rgb.sample(0, 0, 0));
    assertEquals(255, rgb.sample(0, 0, 2));
    assertEquals(0xC8, rgb.sample(1, 0, 0));
    assertEquals(0x32, rgb.sample(1, 0, 2));
    // PIL: alpha_composite(white, (0,0,0,128)) = 127
    assertEquals(127, rgb.sample(2, 0, 0));
  }

  @Test
  void shouldCopyGreyToAllChannelsWithoutGammaConversion() throws IOException {
    BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setSample(0, 0, 0, 100);
    RgbImage rgb = decoder.decode(encode(image, "png"));
    for (int c = 0; c < 3; c++) {
      assertEquals(100, rgb.sample(0, 0, c));
    }
  }

  @Test
  void shouldLookUpPaletteColours() throws IOException {
    byte[] r = {(byte) 255, 0};
    byte[] g = {0, (byte) 128};
    byte[] b = {0, (byte) 255};
    BufferedImage image =
        new BufferedImage(
            2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
    image.getRaster().setSample(1, 0, 0, 1);
    RgbImage rgb = decoder.decode(encode(image, "png"));
    assertEquals(255, rgb.sample(0, 0, 0));
    assertEquals(128, rgb.sample(1, 0, 1));
    assertEquals(255, rgb.sample(1, 0, 2));
  }

  @Test
  void shouldDecodeJpegCloseToItsSource() throws IOException {
    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(new Color(200, 40, 40));
    g.fillRect(0, 0, 16, 16);
    g.dispose();
    RgbImage rgb = decoder.decode(encode(image, "jpg"));
    assertEquals(200, rgb.sample(8, 8, 0), 6);
    assertEquals(40, rgb.sample(8, 8, 1), 6);
  }

  @Test
  void shouldClipSixteenBitGreyAt255LikePil() throws IOException {
    BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
    int[] samples = {0, 200, 255, 40000};
    for (int x = 0; x < samples.length; x++) {
      image.getRaster().setSample(x, 0, 0, samples[x]);
    }
    RgbImage rgb = decoder.decode(encode(image, "png"));
    // PIL's I;16 -> RGB clips; scaling (v >> 8) would give 0, 0, 0, 156
    assertEquals(0, rgb.sample(0, 0, 0));
    assertEquals(200, rgb.sample(1, 0, 1));
    assertEquals(255, rgb.sample(2, 0, 2));
    assertEquals(255, rgb.sample(3, 0, 0));
  }

  @Test
  void shouldConvertInvertedCmykWithPilArithmetic() {
    WritableRaster raster =
        Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 3, 1, 4, null);
    // stored inverted, as JPEG CMYK is: (C,M,Y,K) = (0,0,0,0), (255,0,0,0), (100,50,25,128)
    raster.setPixels(
        0, 0, 3, 1, new int[] {255, 255, 255, 255, 0, 255, 255, 255, 155, 205, 230, 127});
    RgbImage rgb = ImageDecoder.cmykToRgb(raster);
    assertEquals(255, rgb.sample(0, 0, 0));
    assertEquals(0, rgb.sample(1, 0, 0));
    assertEquals(255, rgb.sample(1, 0, 1));
    // PIL: 127 - MULDIV255(100, 127) = 77, 127 - 25 = 102, 127 - 12 = 115
    assertEquals(77, rgb.sample(2, 0, 0));
    assertEquals(102, rgb.sample(2, 0, 1));
    assertEquals(115, rgb.sample(2, 0, 2));
  }

  @Test
  void shouldPreferTwelveMonkeysJpegReaderOverTheJdks() {
    ImageReader first = ImageIO.getImageReadersByFormatName("jpeg").next();
    assertTrue(
        first.getClass().getName().startsWith("com.twelvemonkeys."), first.getClass().getName());
  }

  @Test
  void shouldNotApplyExifOrientationLikeTheReference() throws IOException {
    // stored 240x160 with Orientation=6; displayed it would be 160x240
    RgbImage rgb =
        decoder.decode(Files.readAllBytes(TinyBundle.referenceDir().resolve("exif_rotated.jpg")));
    assertEquals(240, rgb.width());
    assertEquals(160, rgb.height());
    assertTrue(rgb.sample(5, 5, 0) > 200 && rgb.sample(5, 5, 1) < 60, "red block stays top-left");
  }

  @Test
  void shouldDecodeCmykJpegAndWebp() throws IOException {
    for (String file : new String[] {"cmyk.jpg", "lossy.webp", "lossless.webp"}) {
      RgbImage rgb = decoder.decode(Files.readAllBytes(TinyBundle.referenceDir().resolve(file)));
      assertTrue(rgb.width() > 0 && rgb.height() > 0, file);
    }
  }

  @Test
  void shouldRejectGarbageAsUndecodable() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> decoder.decode("definitely not an image".getBytes()));
    assertEquals(RejectReason.IMAGE_UNDECODABLE, e.reason());
  }

  @Test
  void shouldRefuseAFormatTheReferenceCannotOpen() throws IOException {
    // WBMP: the JDK reads it, Pillow has no plugin for it, so there is no reference embedding to
    // match
    byte[] wbmp = encode(new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_BINARY), "wbmp");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> decoder.decode(wbmp));
    assertEquals(RejectReason.IMAGE_UNDECODABLE, e.reason());
    assertTrue(e.getMessage().contains("wbmp"), e.getMessage());
  }

  @Test
  void shouldStillDecodeBmpWhichPillowOpensToo() throws IOException {
    BufferedImage bmp = new BufferedImage(5, 3, BufferedImage.TYPE_3BYTE_BGR);
    bmp.setRGB(1, 1, 0x123456);
    RgbImage rgb = decoder.decode(encode(bmp, "bmp"));
    assertEquals(0x12, rgb.sample(1, 1, 0));
    assertEquals(0x56, rgb.sample(1, 1, 2));
  }

  /**
   * Corrupted headers and data (seeded byte flips in every fixture format) either decode or are
   * refused with a reason; no parser error escapes as an unexpected exception that would fail a
   * whole batch.
   */
  @Test
  void shouldRefuseCorruptFilesWithAReasonNeverAnUnexpectedException() throws IOException {
    java.util.Random random = new java.util.Random(20261202);
    java.nio.file.Path dir = TinyBundle.referenceDir().resolve("decoding");
    for (String file :
        new String[] {
          "trunc_png.png",
          "png_palette_trns.png",
          "trunc_gif.gif",
          "trunc_baseline.jpg",
          "trunc_progressive.jpg",
          "lossy_q60_200x150.webp",
          "lossless_alpha_90x70.webp"
        }) {
      byte[] original = Files.readAllBytes(dir.resolve(file));
      for (int k = 0; k < 40; k++) {
        byte[] bytes = original.clone();
        for (int j = 0; j < 1 + random.nextInt(6); j++) {
          bytes[random.nextInt(Math.min(bytes.length, k % 2 == 0 ? 120 : bytes.length))] =
              (byte) random.nextInt(256);
        }
        try {
          decoder.decode(bytes);
        } catch (InvalidInputException e) {
          // a flipped size field can also announce a huge image: refused as too large, before
          // decoding
          assertTrue(
              e.reason() == RejectReason.IMAGE_UNDECODABLE
                  || e.reason() == RejectReason.IMAGE_TOO_LARGE,
              file + " flip set " + k + ": " + e.reason() + " " + e.getMessage());
        }
      }
    }
  }

  @Test
  void shouldRejectEmptyBytes() {
    assertEquals(
        RejectReason.IMAGE_UNDECODABLE,
        assertThrows(InvalidInputException.class, () -> decoder.decode(new byte[0])).reason());
  }

  @Test
  void shouldRejectTruncatedPng() throws IOException {
    byte[] png = encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png");
    byte[] truncated = Arrays.copyOf(png, png.length / 2);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> decoder.decode(truncated));
    assertEquals(RejectReason.IMAGE_UNDECODABLE, e.reason());
  }

  @Test
  void shouldRejectTooManyBytesBeforeDecoding() throws IOException {
    byte[] png = encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png");
    ImageDecoder strict = new ImageDecoder(new ImageLimits(png.length - 1, 1_000_000));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> strict.decode(png));
    assertEquals(RejectReason.IMAGE_TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("bytes"), e.getMessage());
  }

  @Test
  void shouldRejectTooManyPixelsFromTheHeader() throws IOException {
    byte[] png = encode(new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB), "png");
    ImageDecoder strict = new ImageDecoder(new ImageLimits(1 << 20, 300 * 200 - 1));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> strict.decode(png));
    assertEquals(RejectReason.IMAGE_TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("300x200"), e.getMessage());
  }
}
