package dev.bgevl.streams.encoder.image;

import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.RejectReason;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadUpdateListener;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image bytes into {@link RgbImage} as the reference gets them (Pillow's decoders, then
 * transformers' {@code convert_to_rgb}), refusing oversize input before any pixel is decoded.
 *
 * <p>Who decodes what:
 *
 * <ul>
 *   <li><b>WebP</b>: libwebp itself ({@link WebPDecoder}), the library Pillow uses, so lossy files
 *       match bit for bit, fancy chroma upsampling included;
 *   <li><b>PNG</b>: {@link PngDecoder} for 8-bit RGB/RGBA/grey/grey+alpha/palette and 16-bit RGB,
 *       ImageIO for the rest;
 *   <li><b>JPEG</b>: the JDK's libjpeg reader, whose islow IDCT and fancy upsampling give
 *       libjpeg-turbo's bytes; TwelveMonkeys' reader for CMYK/YCCK and whatever the JDK's refuses.
 *       An embedded <b>ICC profile is ignored</b>, as Pillow ignores it ({@link
 *       JpegSegments#withoutIccProfile});
 *   <li><b>GIF</b>, BMP, TIFF: ImageIO (GIF and BMP pinned against Pillow by tests, TIFF not).
 *       Formats Pillow cannot open (WBMP) are refused.
 * </ul>
 *
 * The RGB conversion follows what the reference gets, format by format:
 *
 * <ul>
 *   <li>alpha, a transparent palette entry or a tRNS key: composited onto white with PIL's {@code
 *       alpha_composite} arithmetic; palette entries are looked up;
 *   <li>8-bit grey is copied to all three channels; <b>16-bit grey</b> (PIL mode {@code I;16}) is
 *       <b>clipped</b> to 255, not scaled, as PIL's {@code I;16 -> RGB} does;
 *   <li>16-bit RGB(A) and grey+alpha keep each sample's high byte (PIL's {@code RGB;16B} raw mode);
 *   <li><b>CMYK JPEG</b>: the raw samples, inverted as PIL does for JPEG ({@code CMYK;I}), then
 *       PIL's naive {@code cmyk2rgb}. YCCK JPEGs are left to the reader's own conversion (not
 *       pinned);
 *   <li><b>EXIF orientation is not applied</b>: the reference does not call {@code exif_transpose}.
 * </ul>
 *
 * <b>Truncated files</b> are refused exactly where Pillow's {@code load()} raises: a JPEG without
 * its EOI marker, a PNG whose pixel data ends before the last row, a GIF whose first frame's LZW
 * data ends before its last pixel, a WebP shorter than its RIFF header says. A file cut after the
 * pixels (PNG without IEND, GIF without trailer) decodes, as in Pillow.
 */
public final class ImageDecoder {

  private final ImageLimits limits;

  public ImageDecoder(ImageLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Decodes {@code bytes}; throws {@link InvalidInputException} for bad or oversize images. */
  public RgbImage decode(byte[] bytes) {
    return decode(bytes, null);
  }

  /**
   * As {@link #decode(byte[])}, telling {@code rows} (when not null) each row as it becomes final,
   * for the formats whose decoders finish rows top to bottom: sequential colour JPEG and the PNGs
   * {@link PngDecoder} reads. Run it through {@link RowsInFlight#decode}.
   */
  public RgbImage decode(byte[] bytes, RowsInFlight rows) {
    if (bytes.length == 0) {
      throw new InvalidInputException(RejectReason.IMAGE_UNDECODABLE, "image is empty (0 bytes)");
    }
    if (bytes.length > limits.maxBytes()) {
      throw new InvalidInputException(
          RejectReason.IMAGE_TOO_LARGE,
          "image is " + bytes.length + " bytes, above the limit of " + limits.maxBytes());
    }
    try {
      return decodeChecked(bytes, rows);
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      // a malformed file that a format parser did not foresee is still the input's fault, never the
      // batch's
      throw new InvalidInputException(
          RejectReason.IMAGE_UNDECODABLE,
          "image does not decode: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private RgbImage decodeChecked(byte[] bytes, RowsInFlight rows) {
    if (WebPDecoder.isWebP(bytes)) {
      return WebPDecoder.decode(bytes, limits);
    }
    if (PngDecoder.isPng(bytes)) {
      RgbImage png = PngDecoder.decode(bytes, limits, rows);
      if (png != null) {
        return png;
      }
    }
    byte[] input = bytes;
    if (GifData.isGif(bytes)) {
      if (!GifData.firstFrameComplete(bytes)) {
        throw truncated("GIF");
      }
      input = GifData.withTrailer(bytes);
    } else if (JpegSegments.isJpeg(bytes)) {
      if (!JpegSegments.hasEndOfImage(bytes)) {
        throw truncated("JPEG");
      }
      input = JpegSegments.withoutIccProfile(bytes);
      int components = JpegSegments.components(input);
      if ((components == 1 || components == 3) && JDK_JPEG != null) {
        // TwelveMonkeys' reader hands these to the JDK's own in the end; going there directly saves
        // its
        // Java-side segment parsing (about a fifth of a 640x480 decode). Anything the JDK reader
        // cannot
        // read still goes through the ServiceLoader order below.
        try {
          return components == 3
              ? readColourJpeg(JDK_JPEG.createReaderInstance(), input, rows)
              : read(JDK_JPEG.createReaderInstance(), input);
        } catch (IOException | RuntimeException e) {
          if (e instanceof InvalidInputException invalid) {
            throw invalid;
          }
        }
      }
    }
    try (ImageInputStream in = new BytesImageInputStream(input)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidInputException(
            RejectReason.IMAGE_UNDECODABLE,
            "image format not recognised (" + bytes.length + " bytes)");
      }
      return read(readers.next(), input);
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException invalid) {
        throw invalid;
      }
      // decoders signal truncated or corrupt data with assorted runtime exceptions
      throw new InvalidInputException(
          RejectReason.IMAGE_UNDECODABLE,
          "image does not decode: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private RgbImage read(ImageReader reader, byte[] input) throws IOException {
    String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
    if (!READ_BY_THE_REFERENCE.contains(format)) {
      reader.dispose();
      // an embedding of something the reference cannot open would have nothing to be compared with
      throw new InvalidInputException(
          RejectReason.IMAGE_UNDECODABLE,
          "image format " + format + " is not one the reference (Pillow) reads");
    }
    return readChecked(
        reader,
        input,
        () ->
            isPlainCmykJpeg(reader, input)
                // read() would apply a CMYK->sRGB ICC transform; PIL uses the raw samples
                ? cmykToRgb(reader.readRaster(0, null))
                : toRgb(reader.read(0)));
  }

  /** One way of reading image 0 from a reader whose input is set. */
  private interface Read {
    RgbImage read() throws IOException;
  }

  /**
   * Sets {@code input} on {@code reader}, refuses an image over the pixel limit before reading it
   * and a truncated one after (the JDK's readers pad and warn), and disposes of the reader.
   */
  private RgbImage readChecked(ImageReader reader, byte[] input, Read read) throws IOException {
    TruncationWarnings warnings = new TruncationWarnings();
    reader.addIIOReadWarningListener(warnings);
    try (ImageInputStream in = new BytesImageInputStream(input)) {
      reader.setInput(in, true, true);
      checkPixels(reader.getWidth(0), reader.getHeight(0), limits);
      RgbImage rgb = read.read();
      if (warnings.endedEarly()) {
        throw truncated(reader.getFormatName().toUpperCase(java.util.Locale.ROOT));
      }
      return rgb;
    } finally {
      reader.dispose();
    }
  }

  /**
   * A colour JPEG through the JDK's reader, straight into RGB-ordered bytes: no BGR image to swap
   * afterwards, and each row, as libjpeg finishes it, told to {@code rows} when the JPEG is
   * sequential.
   */
  private RgbImage readColourJpeg(ImageReader reader, byte[] input, RowsInFlight rows)
      throws IOException {
    return readChecked(
        reader,
        input,
        () -> {
          int w = reader.getWidth(0);
          int h = reader.getHeight(0);
          RgbImage image = new RgbImage(w, h, new byte[w * h * 3]);
          ImageReadParam param = reader.getDefaultReadParam();
          param.setDestination(rgbView(image));
          if (rows != null && JpegSegments.isSequential(input)) {
            rows.started(image);
            reader.addIIOReadUpdateListener(new RowUpdates(rows));
          }
          reader.read(0, param);
          return image;
        });
  }

  /** 8-bit sRGB, no alpha: immutable, so one for every decode. */
  private static final ColorModel SRGB_BYTES =
      new ComponentColorModel(
          ColorSpace.getInstance(ColorSpace.CS_sRGB),
          false,
          false,
          Transparency.OPAQUE,
          DataBuffer.TYPE_BYTE);

  /** {@code image}'s bytes as an sRGB {@link BufferedImage} that a reader can write into. */
  private static BufferedImage rgbView(RgbImage image) {
    WritableRaster raster =
        Raster.createInterleavedRaster(
            new DataBufferByte(image.rgb(), image.rgb().length),
            image.width(),
            image.height(),
            image.width() * 3,
            3,
            new int[] {0, 1, 2},
            null);
    return new BufferedImage(SRGB_BYTES, raster, false, null);
  }

  /**
   * Passes the JDK JPEG reader's row-by-row progress on: it calls once per finished scanline, and
   * starts a pass per scan when the file turns out to need several.
   */
  private static final class RowUpdates implements IIOReadUpdateListener {
    private final RowsInFlight rows;

    RowUpdates(RowsInFlight rows) {
      this.rows = rows;
    }

    @Override
    public void imageUpdate(
        ImageReader source,
        BufferedImage theImage,
        int minX,
        int minY,
        int width,
        int height,
        int periodX,
        int periodY,
        int[] bands) {
      rows.rowsDone(minY + height);
    }

    @Override
    public void passStarted(
        ImageReader source,
        BufferedImage theImage,
        int pass,
        int minPass,
        int maxPass,
        int minX,
        int minY,
        int periodX,
        int periodY,
        int[] bands) {
      if (pass > 0) {
        // a second pass writes rows already published as final: no reader may keep what it read
        rows.rewritten();
      }
    }

    @Override
    public void passComplete(ImageReader source, BufferedImage theImage) {}

    @Override
    public void thumbnailPassStarted(
        ImageReader source,
        BufferedImage theThumbnail,
        int pass,
        int minPass,
        int maxPass,
        int minX,
        int minY,
        int periodX,
        int periodY,
        int[] bands) {}

    @Override
    public void thumbnailUpdate(
        ImageReader source,
        BufferedImage theThumbnail,
        int minX,
        int minY,
        int width,
        int height,
        int periodX,
        int periodY,
        int[] bands) {}

    @Override
    public void thumbnailPassComplete(ImageReader source, BufferedImage theThumbnail) {}
  }

  /** ImageIO format names that Pillow opens too; WBMP, which only the JDK reads, is refused. */
  private static final java.util.Set<String> READ_BY_THE_REFERENCE =
      java.util.Set.of("jpeg", "jpg", "png", "gif", "bmp", "tif", "tiff");

  /** The JDK's own JPEG reader (libjpeg), or null on a JDK without it. */
  private static final ImageReaderSpi JDK_JPEG = jdkJpegReader();

  private static ImageReaderSpi jdkJpegReader() {
    Iterator<ImageReaderSpi> spis =
        IIORegistry.getDefaultInstance()
            .getServiceProviders(
                ImageReaderSpi.class,
                spi ->
                    spi.getClass()
                        .getName()
                        .equals("com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi"),
                false);
    return spis.hasNext() ? spis.next() : null;
  }

  /** Refuses an image whose header announces more than {@code encoder.image.max-pixels}. */
  static void checkPixels(int width, int height, ImageLimits limits) {
    long pixels = (long) width * height;
    if (pixels > limits.maxPixels()) {
      throw new InvalidInputException(
          RejectReason.IMAGE_TOO_LARGE,
          "image is "
              + width
              + "x"
              + height
              + " = "
              + pixels
              + " pixels, above the limit of "
              + limits.maxPixels());
    }
  }

  private static InvalidInputException truncated(String format) {
    return new InvalidInputException(
        RejectReason.IMAGE_UNDECODABLE,
        "image is truncated: the "
            + format
            + " data ends before the last pixel (Pillow refuses it too)");
  }

  /**
   * Catches the JDK JPEG decoder's "premature end" warning. libjpeg (in the JDK) pads a truncated
   * file with grey and only warns; Pillow's libjpeg-turbo suspends at the same byte and Pillow then
   * raises "image file is truncated", so the warning is our refusal.
   */
  private static final class TruncationWarnings implements IIOReadWarningListener {
    private boolean endedEarly;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
      if (warning != null && warning.toLowerCase(java.util.Locale.ROOT).contains("premature end")) {
        endedEarly = true;
      }
    }

    boolean endedEarly() {
      return endedEarly;
    }
  }

  static RgbImage toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] packed = packedBytes(image);
    if (packed != null && image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      // what the JPEG readers give for colour photos: swap to RGB in one pass, no per-row sample
      // copies
      byte[] rgb = new byte[w * h * 3];
      for (int i = 0; i < rgb.length; i += 3) {
        rgb[i] = packed[i + 2];
        rgb[i + 1] = packed[i + 1];
        rgb[i + 2] = packed[i];
      }
      return new RgbImage(w, h, rgb);
    }
    if (packed != null && image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      byte[] rgb = new byte[w * h * 3];
      for (int i = 0, o = 0; i < w * h; i++, o += 3) {
        rgb[o] = packed[i];
        rgb[o + 1] = packed[i];
        rgb[o + 2] = packed[i];
      }
      return new RgbImage(w, h, rgb);
    }
    byte[] rgb = new byte[w * h * 3];
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    if (cm instanceof IndexColorModel || bands < 1 || bands > 4) {
      copyViaArgb(image, rgb);
      return new RgbImage(w, h, rgb);
    }
    // grey (+alpha) has 1-2 bands; colour (+alpha) 3-4; alpha, when present, is the last band
    boolean grey = bands <= 2;
    boolean alpha = cm.hasAlpha();
    int sampleBits = raster.getSampleModel().getSampleSize(0);
    if (bands == 1 && sampleBits > 8) {
      copyClippedGrey(raster, rgb);
      return new RgbImage(w, h, rgb);
    }
    int shift = Math.max(0, sampleBits - 8);
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      int o = y * w * 3;
      for (int x = 0; x < w; x++) {
        int p = x * bands;
        int r = row[p] >> shift;
        int g = grey ? r : row[p + 1] >> shift;
        int b = grey ? r : row[p + 2] >> shift;
        int a = alpha ? row[p + bands - 1] >> shift : 255;
        rgb[o++] = onWhite(r, a);
        rgb[o++] = onWhite(g, a);
        rgb[o++] = onWhite(b, a);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  /**
   * The image's bytes when they are one tightly packed array (no sub-image, no padding), else null.
   */
  private static byte[] packedBytes(BufferedImage image) {
    Raster raster = image.getRaster();
    if (!(raster.getDataBuffer() instanceof java.awt.image.DataBufferByte buffer)
        || buffer.getNumBanks() != 1
        || buffer.getOffset() != 0
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0
        || !(raster.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel model)) {
      return null;
    }
    int bands = model.getNumBands();
    if (model.getPixelStride() != bands
        || model.getScanlineStride() != image.getWidth() * bands
        || buffer.getData().length != image.getWidth() * image.getHeight() * bands) {
      return null;
    }
    return buffer.getData();
  }

  /**
   * One channel of PIL's {@code alpha_composite(white, pixel)}, in its own 7-bit fixed point, so
   * half-transparent pixels round exactly as the reference's do.
   */
  static byte onWhite(int channel, int alpha) {
    if (alpha == 255) {
      return (byte) channel;
    }
    if (alpha == 0) {
      return (byte) 255;
    }
    long coef1 = (long) alpha << 7; // alpha*255*255*128 / (255*255): the background is opaque
    long coef2 = (255L << 7) - coef1;
    long tmp = channel * coef1 + 255 * coef2 + (0x80L << 7);
    return (byte) ((((tmp >> 8) + tmp) >> 8) >> 7);
  }

  /** PIL opens 16-bit grey as mode {@code I;16}, whose conversion to RGB clips at 255. */
  private static void copyClippedGrey(Raster raster, byte[] rgb) {
    int w = raster.getWidth();
    int[] row = new int[w];
    for (int y = 0; y < raster.getHeight(); y++) {
      raster.getSamples(0, y, w, 1, 0, row);
      int o = y * w * 3;
      for (int v : row) {
        byte grey = (byte) Math.min(v, 255);
        rgb[o++] = grey;
        rgb[o++] = grey;
        rgb[o++] = grey;
      }
    }
  }

  /**
   * Raw JPEG CMYK samples (stored inverted) to RGB with PIL's {@code CMYK;I} unpack and {@code
   * cmyk2rgb}.
   */
  static RgbImage cmykToRgb(Raster raster) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] rgb = new byte[w * h * 3];
    int[] row = new int[w * 4];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      int o = y * w * 3;
      for (int p = 0; p < row.length; p += 4) {
        int notK = row[p + 3]; // 255 - K, and K is stored inverted: the raw sample itself
        rgb[o++] = (byte) (notK - mulDiv255(255 - row[p], notK));
        rgb[o++] = (byte) (notK - mulDiv255(255 - row[p + 1], notK));
        rgb[o++] = (byte) (notK - mulDiv255(255 - row[p + 2], notK));
      }
    }
    return new RgbImage(w, h, rgb);
  }

  /** PIL's {@code MULDIV255}: a*b/255 rounded, in integers. */
  static int mulDiv255(int a, int b) {
    int tmp = a * b + 128;
    return ((tmp >> 8) + tmp) >> 8;
  }

  /**
   * A JPEG with 4 components that is not YCCK: Adobe CMYK as PIL writes it, or CMYK without APP14.
   */
  private static boolean isPlainCmykJpeg(ImageReader reader, byte[] bytes) throws IOException {
    if (!"jpeg".equalsIgnoreCase(reader.getFormatName())) {
      return false;
    }
    int adobeTransform = -1;
    int i = 2; // after SOI
    while (i + 4 <= bytes.length && (bytes[i] & 0xFF) == 0xFF) {
      int marker = bytes[i + 1] & 0xFF;
      int length = ((bytes[i + 2] & 0xFF) << 8) | (bytes[i + 3] & 0xFF);
      boolean sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof && i + 9 < bytes.length) {
        return (bytes[i + 9] & 0xFF) == 4 && adobeTransform != 2;
      }
      if (marker == 0xEE
          && length >= 12
          && i + 15 < bytes.length
          && new String(bytes, i + 4, 5, StandardCharsets.US_ASCII).equals("Adobe")) {
        adobeTransform = bytes[i + 15] & 0xFF;
      }
      if (marker == 0xDA) {
        return false;
      }
      i += 2 + length;
    }
    return false;
  }

  private static void copyViaArgb(BufferedImage image, byte[] rgb) {
    int w = image.getWidth();
    int[] row = new int[w];
    for (int y = 0; y < image.getHeight(); y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      int o = y * w * 3;
      for (int argb : row) {
        int a = argb >>> 24;
        rgb[o++] = onWhite((argb >> 16) & 0xFF, a);
        rgb[o++] = onWhite((argb >> 8) & 0xFF, a);
        rgb[o++] = onWhite(argb & 0xFF, a);
      }
    }
  }
}
