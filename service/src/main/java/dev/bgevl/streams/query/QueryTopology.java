package dev.bgevl.streams.query;

import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.milvus.VectorSearch;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.topics.Topics;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the query topology: {@code query-source → query-answer (store query-pending) →
 * query-reply-sink | query-dead-letter-sink}, the reply topic chosen per request.
 */
public final class QueryTopology {

  public static final String SOURCE = "query-source";
  public static final String ANSWER = "query-answer";
  public static final String REPLY_SINK = "query-reply-sink";
  public static final String DEAD_LETTER_SINK = "query-dead-letter-sink";

  /** Requests waiting for their batch; changelogged, so a crash never loses one. */
  public static final String PENDING_STORE = "query-pending";

  private QueryTopology() {}

  /**
   * The topology the service runs; tests build the same one. The source reads raw bytes: the
   * processor decodes them itself, so it can refuse a record by its size before copying it, and
   * answer a request that does not decode.
   */
  public static Topology build(
      Topics topics,
      QueryConfig config,
      Serde<RetrievalRequest> requests,
      Serde<RetrievalReply> replies,
      Encoder encoder,
      VectorSearch searcher,
      ImageResolver images,
      String collection,
      Clock clock,
      ServiceMetrics metrics,
      RecordLimits limits) {
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.requests());
    topology.addProcessor(
        ANSWER,
        () ->
            new QueryProcessor(
                encoder,
                searcher,
                images,
                topics,
                config,
                collection,
                clock,
                metrics,
                limits,
                requests.deserializer(),
                replies.serializer()),
        SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PENDING_STORE),
            Serdes.String(),
            new PendingRetrievalSerde()),
        ANSWER);
    topology.addSink(
        REPLY_SINK,
        (key, value, recordContext) ->
            ReplyRouting.replyTopic(recordContext.headers(), topics.replies()),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        ANSWER);
    topology.addSink(
        DEAD_LETTER_SINK,
        topics.requestDeadLetters(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        ANSWER);
    return topology;
  }
}
