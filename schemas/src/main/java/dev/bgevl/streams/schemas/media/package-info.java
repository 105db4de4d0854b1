/**
 * Media contracts generated from {@code src/main/avro/media}: change events on media-events and
 * embeddings on media-vectors.
 */
package dev.bgevl.streams.schemas.media;
