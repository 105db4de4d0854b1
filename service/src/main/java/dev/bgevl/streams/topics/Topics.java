package dev.bgevl.streams.topics;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every topic name the service reads or writes, dead-letter and reply topics included.
 *
 * @param mediaEvents ingest input ({@code topics.media-events})
 * @param mediaVectors compacted vectors, the system of record for re-indexing ({@code
 *     topics.media-vectors})
 * @param mediaThumbnails compacted thumbnails of indexed images, key = media id, tombstoned with
 *     their vector ({@code topics.media-thumbnails})
 * @param mediaDeadLetters bad media events ({@code topics.media-dlq})
 * @param requests retrieval requests ({@code topics.requests})
 * @param replies default reply topic ({@code topics.replies})
 * @param requestDeadLetters request bytes that do not decode, so have no id to answer ({@code
 *     topics.requests-dlq})
 * @param allowedReplyTopics topics a request may name in {@code reply_to}, besides {@code replies}
 *     ({@code topics.allowed-reply-topics}); a trailing {@code *} allows a prefix
 */
public record Topics(
    String mediaEvents,
    String mediaVectors,
    String mediaThumbnails,
    String mediaDeadLetters,
    String requests,
    String replies,
    String requestDeadLetters,
    Set<String> allowedReplyTopics) {

  public static final Topics DEFAULT =
      new Topics(
          "media-events",
          "media-vectors",
          "media-thumbnails",
          "media-events-dlq",
          "retrieval-requests",
          "retrieval-replies",
          "retrieval-requests-dlq",
          Set.of());

  public Topics {
    for (String t :
        new String[] {
          mediaEvents,
          mediaVectors,
          mediaThumbnails,
          mediaDeadLetters,
          requests,
          replies,
          requestDeadLetters
        }) {
      Objects.requireNonNull(t, "topic names must not be null");
      if (t.isBlank()) {
        throw new IllegalArgumentException("topic names must not be blank");
      }
    }
    allowedReplyTopics = Set.copyOf(allowedReplyTopics);
  }

  /** Every fixed topic the service reads or writes, in a stable order. */
  public List<String> all() {
    return List.of(
        mediaEvents,
        mediaVectors,
        mediaThumbnails,
        mediaDeadLetters,
        requests,
        replies,
        requestDeadLetters);
  }

  /** Whether a request may ask for its reply on {@code topic}. */
  public boolean isAllowedReplyTopic(String topic) {
    if (topic.equals(replies)) {
      return true;
    }
    for (String allowed : allowedReplyTopics) {
      if (allowed.endsWith("*")
          ? topic.startsWith(allowed.substring(0, allowed.length() - 1))
          : allowed.equals(topic)) {
        return true;
      }
    }
    return false;
  }
}
