package dev.bgevl.streams.query;

import dev.bgevl.streams.schemas.retrieval.ReplyHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a reply goes: the topic the query processor chose, read back by the reply sink from the
 * record's header.
 */
final class ReplyRouting {

  private ReplyRouting() {}

  static String replyTopic(Headers headers, String fallback) {
    Header h = headers.lastHeader(ReplyHeaders.REPLY_TOPIC);
    return h == null || h.value() == null
        ? fallback
        : new String(h.value(), StandardCharsets.UTF_8);
  }
}
