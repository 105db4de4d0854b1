package dev.bgevl.streams.encoder.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RowsInFlightTest {

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

  @Test
  void shouldHandReadersOnlyFinalRows() throws Exception {
    // sequential JPEG and PNG publish rows as they finish them; a progressive JPEG, and a baseline
    // one with a scan per component, write every row once per scan, so they publish at the end
    for (String file :
        List.of(
            "photo.jpg",
            "wide_gradient.png",
            "palette.png",
            "tall.png",
            "decoding/noninterleaved.jpg",
            "decoding/trunc_progressive.jpg")) {
      byte[] bytes = Files.readAllBytes(TinyBundle.referenceDir().resolve(file));
      RgbImage whole = decoder.decode(bytes);
      RowsInFlight rows = new RowsInFlight();
      ExecutorService reader = Executors.newSingleThreadExecutor();
      try {
        // a reader on another thread copies each half as soon as it is published: what it copied
        // must already be the final bytes
        Future<byte[]> topHalf =
            reader.submit(
                () -> {
                  RgbImage image = rows.awaitImage();
                  int half = image.height() / 2;
                  assertTrue(rows.awaitRows(image, half));
                  return java.util.Arrays.copyOf(image.rgb(), half * image.width() * 3);
                });
        RgbImage decoded = rows.decode(() -> decoder.decode(bytes, rows));
        byte[] copied = topHalf.get();
        assertArrayEquals(whole.rgb(), decoded.rgb(), file);
        assertArrayEquals(
            java.util.Arrays.copyOf(whole.rgb(), copied.length), copied, file + ": top half");
        assertFalse(rows.restarted(), file);
      } finally {
        reader.shutdownNow();
      }
    }
  }

  @Test
  void shouldHandTheImageToAReaderWhenItIsPublishedOnlyAsTheDecodeEnds() throws Exception {
    // WebP, GIF, progressive JPEG: the image appears in the same instant as the end of the decode;
    // a reader that saw no image yet, then the end, must still get the image, never "no image"
    RgbImage image = new RgbImage(2, 2, new byte[12]);
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      for (int i = 0; i < 20_000; i++) {
        RowsInFlight rows = new RowsInFlight();
        AtomicBoolean waiting = new AtomicBoolean();
        Future<RgbImage> seen =
            reader.submit(
                () -> {
                  waiting.set(true);
                  return rows.awaitImage();
                });
        // poll, not block: the decode must end within the reader's first microseconds of waiting,
        // while it still polls rather than parks, where the two reads can straddle the end (then
        // yield, so that on one core the reader gets to run)
        for (int polls = 0; !waiting.get(); polls++) {
          if (polls < 10_000) {
            Thread.onSpinWait();
          } else {
            Thread.yield();
          }
        }
        rows.decode(() -> image);
        assertSame(image, seen.get(), "hand-off " + i);
      }
    } finally {
      reader.shutdownNow();
    }
  }

  @Test
  void shouldPublishRowsEarlyOnlyForJpegsWhoseFirstScanHoldsEveryComponent() throws IOException {
    for (String file : List.of("photo.jpg", "exif_rotated.jpg", "decoding/trunc_baseline.jpg")) {
      assertTrue(JpegSegments.isSequential(read(file)), file);
    }
    for (String file :
        List.of(
            "decoding/noninterleaved.jpg",
            "decoding/trunc_progressive.jpg",
            "decoding/icc_display_p3_progressive.jpg")) {
      assertFalse(JpegSegments.isSequential(read(file)), file);
    }
  }

  @Test
  void shouldTellReadersWhenADecoderRewroteRowsItHadPublished() {
    RowsInFlight rows = new RowsInFlight();
    RgbImage image = new RgbImage(2, 4, new byte[24]);
    RgbImage result =
        rows.decode(
            () -> {
              rows.started(image);
              rows.rowsDone(4);
              rows.rewritten(); // as the JPEG reader's second pass over the same rows
              return image;
            });
    assertSame(image, result);
    assertTrue(rows.restarted());
    assertFalse(rows.awaitRows(image, 1));
    assertNull(rows.awaitImage());
  }

  private static byte[] read(String file) throws IOException {
    return Files.readAllBytes(TinyBundle.referenceDir().resolve(file));
  }

  @Test
  void shouldReleaseReadersWhenTheDecodeFails() throws IOException {
    // half a PNG: the decoder publishes the rows it finished, then refuses the image
    byte[] whole = Files.readAllBytes(TinyBundle.referenceDir().resolve("wide_gradient.png"));
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
    RowsInFlight rows = new RowsInFlight();
    assertThrows(
        InvalidInputException.class, () -> rows.decode(() -> decoder.decode(truncated, rows)));
    RgbImage partial = rows.awaitImage();
    // the rows the decoder never finished are never handed out
    assertFalse(rows.awaitRows(partial, partial.height()));
  }

  @Test
  void shouldTellReadersWhenAFallbackDecoderReplacedTheImage() {
    RowsInFlight rows = new RowsInFlight();
    RgbImage first = new RgbImage(2, 4, new byte[24]);
    RgbImage second = new RgbImage(2, 4, new byte[24]);
    RgbImage result =
        rows.decode(
            () -> {
              rows.started(first);
              rows.rowsDone(3);
              return second; // as when the JDK reader gives up and another reader starts over
            });
    assertSame(second, result);
    assertTrue(rows.restarted());
    assertFalse(rows.awaitRows(first, 1));
    assertNull(rows.awaitImage());
    assertSame(second, rows.image());
    assertEquals(4, second.height());
  }
}
