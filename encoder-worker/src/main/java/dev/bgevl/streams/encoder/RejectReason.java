package dev.bgevl.streams.encoder;

/** Why the encoder refused one input. A permanent code: new reasons are appended, none renamed. */
public enum RejectReason {
  /** The image bytes are not an image any installed decoder reads. */
  IMAGE_UNDECODABLE,
  /** The image is above the configured byte size or pixel count. */
  IMAGE_TOO_LARGE,
  /** The input asks for something this model cannot embed. */
  UNSUPPORTED_INPUT
}
