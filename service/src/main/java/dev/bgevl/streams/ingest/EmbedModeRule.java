package dev.bgevl.streams.ingest;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import dev.bgevl.streams.schemas.media.EmbedMode;

/**
 * Decides what of an event is embedded. AUTO takes the image when there is one, else the text; the
 * explicit modes insist on what they name. A blank text counts as no text.
 */
final class EmbedModeRule {

  private EmbedModeRule() {}

  static EncodeInput inputFor(EmbedMode mode, byte[] image, String text) {
    boolean hasText = text != null && !text.isBlank();
    boolean hasImage = image != null;
    return switch (mode == null ? EmbedMode.AUTO : mode) {
      case AUTO -> {
        if (hasImage) {
          yield EncodeInput.image(image);
        }
        if (hasText) {
          yield EncodeInput.text(text);
        }
        throw new RejectedInputException(
            DeadLetterReason.NO_CONTENT, "upsert has neither image nor text");
      }
      case IMAGE -> {
        require(hasImage, "embed=IMAGE but the event has no image");
        yield EncodeInput.image(image);
      }
      case TEXT -> {
        require(hasText, "embed=TEXT but the event has no text");
        yield EncodeInput.text(text);
      }
      case IMAGE_TEXT -> {
        require(hasImage && hasText, "embed=IMAGE_TEXT needs both an image and a text");
        yield EncodeInput.composed(image, text);
      }
    };
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new RejectedInputException(DeadLetterReason.UNSUPPORTED_EMBED_MODE, message);
    }
  }
}
