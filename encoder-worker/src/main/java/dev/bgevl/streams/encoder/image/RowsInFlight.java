package dev.bgevl.streams.encoder.image;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An image being decoded on one thread while others read its finished rows: the decoder publishes
 * how many rows from the top are final, and a reader waits for the rows it needs instead of for the
 * whole image, so resampling the top of a photo overlaps decoding the bottom.
 *
 * <p>Decoders that cannot promise final rows top to bottom (progressive JPEG, interlaced PNG, WebP,
 * GIF, ...) publish nothing until the end; a reader then simply waits for the whole image.
 */
public final class RowsInFlight {

  private volatile RgbImage image;
  private volatile int rowsDone;
  private volatile boolean ended;
  private volatile boolean restarted;

  /**
   * Decodes on the calling thread; readers waiting in other threads are released however it ends.
   */
  public RgbImage decode(Supplier<RgbImage> decoding) {
    try {
      RgbImage done = decoding.get();
      if (image != null && image != done) {
        restarted = true; // a fallback decoder made another image: rows read so far were not it
      }
      image = done;
      rowsDone = done.height();
      return done;
    } finally {
      ended = true;
    }
  }

  /** Called by a decoder: {@code started}'s pixels will be filled top to bottom. */
  void started(RgbImage started) {
    if (image != null) {
      restarted = true;
    }
    rowsDone = 0; // before the image: a reader that sees the new image sees no rows of the old one
    image = started;
  }

  /**
   * Called by a decoder that writes rows again which it had published as final (a JPEG that turned
   * out to need a pass per scan): readers stop, and what they read counts as not read.
   */
  void rewritten() {
    restarted = true;
  }

  /** Called by a decoder: rows {@code 0..rows-1} of the started image are final. */
  void rowsDone(int rows) {
    rowsDone = rows;
  }

  /**
   * Waits until the image's size is known and returns it, or null when the decoding failed before
   * or was restarted. Waits as {@link #awaitRows} does.
   */
  public RgbImage awaitImage() {
    for (int tries = 0; ; tries++) {
      // ended first: the image is written before the end, so once the end is seen the image read
      // next is the final one (read the other way round, a decoder that publishes its image only
      // as it ends could slip in between and leave a reader with "no image")
      boolean over = ended;
      RgbImage current = image;
      if (current != null || over) {
        return restarted ? null : current;
      }
      pause(tries);
    }
  }

  /**
   * Waits until rows {@code 0..rows-1} of {@code of} are final: true then, false when the decoding
   * failed first or another image replaced {@code of} (see {@link #restarted()}). Spins a little,
   * then parks a few microseconds at a time: a decoder publishes a row every few microseconds, but
   * the waiting thread may share its core with the decoder or with another batch's inference, and
   * must not take that core for a whole decode.
   */
  public boolean awaitRows(RgbImage of, int rows) {
    for (int tries = 0; ; tries++) {
      if (restarted || image != of) {
        return false;
      }
      if (rowsDone >= rows) {
        return true;
      }
      if (ended) {
        return !restarted && image == of && rowsDone >= rows;
      }
      pause(tries);
    }
  }

  // tens of microseconds of spinning (a PAUSE is ~40-150 cycles), a few published rows of a photo
  private static final int SPINS_BEFORE_PARKING = 1_000;
  private static final long PARK_NANOS = 20_000;

  private static void pause(int tries) {
    if (tries < SPINS_BEFORE_PARKING) {
      Thread.onSpinWait();
    } else {
      LockSupport.parkNanos(PARK_NANOS);
    }
  }

  /** The image once known (started or decoded), else null. */
  public RgbImage image() {
    return image;
  }

  /**
   * True when a decoder started filling one image and another one was the result, or rewrote rows
   * it had published: any rows read before must be read again from {@link #image()}.
   */
  public boolean restarted() {
    return restarted;
  }
}
