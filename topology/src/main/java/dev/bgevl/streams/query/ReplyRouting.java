package dev.bgevl.streams.query;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reply headers: where a reply goes, and the correlation id it carries back to the client. */
public final class ReplyRouting {

  /** The Spring Kafka convention for request/reply correlation; copied from request to reply. */
  public static final String CORRELATION_ID = "kafka_correlationId";
  /** The topic a reply is written to; set by the query processor, read by the reply sink. */
  public static final String REPLY_TOPIC = "bgevl.reply-topic";

  private ReplyRouting() {}

  static String replyTopic(Headers headers, String fallback) {
    Header h = headers.lastHeader(REPLY_TOPIC);
    return h == null || h.value() == null ? fallback : new String(h.value(), StandardCharsets.UTF_8);
  }
}
