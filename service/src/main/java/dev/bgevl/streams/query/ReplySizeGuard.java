package dev.bgevl.streams.query;

import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serializes a reply so that it always fits the record limit it is written under. Hits carry stored
 * captions and metadata, so a reply to a large {@code top_k} can outgrow any limit; a reply that
 * would not fit keeps its best hits and says in {@code error} how many it dropped, instead of
 * failing the write (which would stop the partition).
 */
final class ReplySizeGuard {
  private static final Logger log = LoggerFactory.getLogger(ReplySizeGuard.class);

  private ReplySizeGuard() {}

  /**
   * The reply's bytes, at most {@code maxBytes} long, with the lowest-ranked hits dropped when it
   * would be larger.
   */
  static byte[] serialize(
      Serializer<RetrievalReply> serializer,
      String topic,
      Headers headers,
      RetrievalReply reply,
      int maxBytes) {
    byte[] bytes = serializer.serialize(topic, headers, reply);
    if (bytes.length <= maxBytes) {
      return bytes;
    }
    List<RetrievalHit> hits = reply.getHits();
    int keep = hits.size();
    while (bytes.length > maxBytes && keep > 0) {
      // hits are roughly alike in size: shrink in proportion, and by at least one so the loop ends
      keep = Math.min(keep - 1, (int) ((long) keep * maxBytes / bytes.length * 9 / 10));
      keep = Math.max(keep, 0);
      RetrievalReply cut =
          RetrievalReply.newBuilder(reply)
              .setHits(List.copyOf(hits.subList(0, keep)))
              .setError(
                  "reply cut from "
                      + hits.size()
                      + " to "
                      + keep
                      + " hits to fit the "
                      + maxBytes
                      + "-byte record limit (--kafka.max-record-bytes); ask for a smaller top_k")
              .build();
      bytes = serializer.serialize(topic, headers, cut);
    }
    log.warn(
        "Reply cut to fit the record limit requestId={} hits={} kept={} maxBytes={}",
        reply.getRequestId(),
        hits.size(),
        keep,
        maxBytes);
    return bytes;
  }
}
