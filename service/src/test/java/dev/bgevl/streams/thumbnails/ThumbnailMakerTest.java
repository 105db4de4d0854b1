package dev.bgevl.streams.thumbnails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.embedded.testkit.TestImages;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Thumbnails from what users send: large photos, WebP, small images, broken bytes. */
class ThumbnailMakerTest {

  static final Path DECODING =
      Path.of(System.getProperty("bgevl.tinyBundle")).resolve("reference").resolve("decoding");

  final ThumbnailMaker maker = new ThumbnailMaker(ThumbnailPolicy.DEFAULT, ImageLimits.DEFAULT);

  static BufferedImage read(byte[] jpeg) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
    assertTrue(image != null, "a JPEG ImageIO reads");
    return image;
  }

  @Test
  void shouldShrinkAPhotoToTheLongestSideKeepingItsShape() throws IOException {
    byte[] photo = TestImages.photoLikePng(3_000_000, 11);
    BufferedImage original = read(photo);
    BufferedImage thumbnail = read(maker.make(photo));
    assertEquals(256, Math.max(thumbnail.getWidth(), thumbnail.getHeight()));
    assertEquals(
        (double) original.getWidth() / original.getHeight(),
        (double) thumbnail.getWidth() / thumbnail.getHeight(),
        0.01);
  }

  @Test
  void shouldNeverEnlargeASmallImage() throws IOException {
    TestImages.Sample small = TestImages.generate("small", 1, 3).get(0);
    BufferedImage original = read(small.png());
    BufferedImage thumbnail = read(maker.make(small.png()));
    assertEquals(original.getWidth(), thumbnail.getWidth());
    assertEquals(original.getHeight(), thumbnail.getHeight());
  }

  @Test
  void shouldMakeThumbnailsOfLossyWebP() throws IOException {
    byte[] webp = Files.readAllBytes(DECODING.resolve("lossy_q80_255x171.webp"));
    BufferedImage thumbnail = read(maker.make(webp));
    assertEquals(255, thumbnail.getWidth());
    assertEquals(171, thumbnail.getHeight());
  }

  @Test
  void shouldAverageWholeBlocksAndTheEdgesPartBlocks() {
    // 3 x 2 pixels, one channel value per pixel repeated over R, G, B
    int[] values = {10, 20, 30, 40, 51, 60};
    byte[] rgb = new byte[values.length * 3];
    for (int i = 0; i < values.length; i++) {
      rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = (byte) values[i];
    }
    RgbImage reduced = ThumbnailMaker.boxReduce(new RgbImage(3, 2, rgb), 2);
    assertEquals(2, reduced.width());
    assertEquals(1, reduced.height());
    assertEquals((10 + 20 + 40 + 51 + 2) / 4, reduced.sample(0, 0, 1), "a whole 2 x 2 block");
    assertEquals((30 + 60 + 1) / 2, reduced.sample(1, 0, 2), "the edge block has one column");
  }

  @Test
  void shouldRefuseBytesThatAreNoImage() {
    assertThrows(InvalidInputException.class, () -> maker.make(new byte[] {1, 2, 3}));
  }

  @Test
  void shouldTurnAFailureIntoAnAbsentThumbnailNotAnException() {
    try (ThumbnailPool pool = new ThumbnailPool(ThumbnailPolicy.DEFAULT, maker, 1)) {
      Thumbnail broken = pool.start(new byte[] {1, 2, 3}).await();
      assertFalse(broken.present());
      assertTrue(broken.failure() != null && !broken.failure().isBlank(), broken.toString());
      Thumbnail none = pool.start(null).await();
      assertFalse(none.present());
      assertNull(none.failure(), "no image is no failure");
    }
  }

  @Test
  void shouldMakeNothingWhenThumbnailsAreOff() {
    ThumbnailPolicy off = new ThumbnailPolicy(0, 80);
    try (ThumbnailPool pool =
        new ThumbnailPool(off, new ThumbnailMaker(off, ImageLimits.DEFAULT), 1)) {
      Thumbnail thumbnail = pool.start(TestImages.generate("off", 1, 5).get(0).png()).await();
      assertFalse(thumbnail.present(), "a tombstone, so an older thumbnail goes");
      assertNull(thumbnail.failure());
    }
  }
}
