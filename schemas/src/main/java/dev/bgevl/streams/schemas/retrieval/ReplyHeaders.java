package dev.bgevl.streams.schemas.retrieval;

/** The record headers of the request/reply protocol, shared by the service and every client. */
public final class ReplyHeaders {

  /** The Spring Kafka convention for request/reply correlation; copied from request to reply. */
  public static final String CORRELATION_ID = "kafka_correlationId";

  /** The topic a reply was written to; set by the service. */
  public static final String REPLY_TOPIC = "bgevl.reply-topic";

  private ReplyHeaders() {}
}
