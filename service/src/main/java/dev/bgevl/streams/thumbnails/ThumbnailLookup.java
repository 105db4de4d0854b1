package dev.bgevl.streams.thumbnails;

/** Where the thumbnail of one id is, as this instance knows it now. */
public sealed interface ThumbnailLookup {

  /** This instance holds the id's partition, and the thumbnail. */
  record Found(byte[] jpeg) implements ThumbnailLookup {}

  /** This instance holds the id's partition, and there is no thumbnail. */
  record Missing() implements ThumbnailLookup {}

  /** Another instance holds the id's partition: ask it. */
  record Elsewhere(String host, int port) implements ThumbnailLookup {}

  /** Nobody can answer now (a rebalance, a restore): try again shortly. */
  record Unavailable(String reason) implements ThumbnailLookup {}
}
