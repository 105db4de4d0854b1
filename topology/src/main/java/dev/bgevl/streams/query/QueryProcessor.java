package dev.bgevl.streams.query;

import dev.bgevl.streams.app.Topics;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.milvus.MetadataFilter;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.milvus.SearchHit;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one retrieval request with exactly one reply: validate, encode, search, reply; any
 * failure becomes a non-OK reply rather than an exception, so no request goes unanswered.
 *
 * <p>The CLIP models ignore {@code instruction}; it is kept in the contract for the MLLM models.
 */
final class QueryProcessor implements Processor<String, RetrievalRequest, String, RetrievalReply> {
  private static final Logger log = LoggerFactory.getLogger(QueryProcessor.class);

  private final Encoder encoder;
  private final MilvusSearcher searcher;
  private final ImageResolver images;
  private final Topics topics;
  private final QueryConfig config;
  private final String collection;
  private final Clock clock;
  private ProcessorContext<String, RetrievalReply> context;

  QueryProcessor(Encoder encoder, MilvusSearcher searcher, ImageResolver images, Topics topics, QueryConfig config,
      String collection, Clock clock) {
    this.encoder = encoder;
    this.searcher = searcher;
    this.images = images;
    this.topics = topics;
    this.config = config;
    this.collection = collection;
    this.clock = clock;
  }

  @Override
  public void init(ProcessorContext<String, RetrievalReply> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, RetrievalRequest> record) {
    RetrievalRequest request = record.value();
    String requestId = request != null && !request.getRequestId().isEmpty() ? request.getRequestId() : record.key();
    if (requestId == null) {
      log.warn("Dropped retrieval request with neither key nor request_id: nothing to answer to");
      return;
    }
    String model = encoder.model().id();
    RetrievalReply.Builder reply = RetrievalReply.newBuilder().setRequestId(requestId).setModel(model);
    String destination = topics.replies();
    try {
      if (request == null) {
        throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "request is empty (tombstone)");
      }
      if (request.getReplyTo() != null && !request.getReplyTo().isBlank()) {
        if (!topics.isAllowedReplyTopic(request.getReplyTo())) {
          throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST,
              "reply_to '" + request.getReplyTo() + "' is not an allowed reply topic");
        }
        destination = request.getReplyTo();
      }
      reply.setHits(answer(request)).setStatus(ReplyStatus.OK);
    } catch (RuntimeException e) {
      ReplyStatus status = ReplyStatusMapper.statusOf(e);
      if (status == ReplyStatus.INTERNAL) {
        log.error("Retrieval failed unexpectedly requestId={}", requestId, e);
      } else {
        log.info("Retrieval refused requestId={} status={} error={}", requestId, status, e.getMessage());
      }
      reply.setStatus(status).setError(ReplyStatusMapper.messageOf(e)).setHits(List.of());
    }
    reply.setTookMs(Math.max(0, clock.millis() - record.timestamp()));
    Record<String, RetrievalReply> out = record.withKey(requestId).withValue(reply.build());
    out.headers().remove(ReplyRouting.REPLY_TOPIC);
    out.headers().add(ReplyRouting.REPLY_TOPIC, destination.getBytes(StandardCharsets.UTF_8));
    if (out.headers().lastHeader(ReplyRouting.CORRELATION_ID) == null) {
      // clients that send no correlation header still get one: the request id
      out.headers().add(ReplyRouting.CORRELATION_ID, requestId.getBytes(StandardCharsets.UTF_8));
    }
    context.forward(out);
  }

  private List<RetrievalHit> answer(RetrievalRequest request) {
    if (request.getModel() != null && !request.getModel().isBlank() && !request.getModel().equals(encoder.model().id())) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST,
          "unknown model '" + request.getModel() + "'; this service serves '" + encoder.model().id() + "'");
    }
    int topK = request.getTopK();
    if (topK < 1 || topK > config.maxTopK()) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "top_k must be in 1.." + config.maxTopK() + ", got " + topK);
    }
    Optional<MetadataFilter> filter = request.getFilter() == null || request.getFilter().isBlank()
        ? Optional.empty()
        : Optional.of(MetadataFilter.parse(request.getFilter(), config.filterFields()));
    if (request.getDeadline() != null && clock.millis() > request.getDeadline().toEpochMilli()) {
      throw new RetrievalFailure(ReplyStatus.DEADLINE_EXCEEDED, "deadline passed before the request was encoded");
    }
    byte[] image = images.resolve(bytesOf(request), request.getImageUri());
    String text = request.getText() == null || request.getText().isBlank() ? null : request.getText();
    if (image == null && text == null) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "request has neither text nor image");
    }
    EncodeResult result = encoder.encode(List.of(new EncodeInput(image, text))).get(0);
    if (result instanceof EncodeResult.Rejected rejected) {
      throw rejected.toException();
    }
    float[] vector = ((EncodeResult.Encoded) result).vector();
    List<SearchHit> hits = searcher.search(collection, List.of(vector), topK, filter).get(0);
    return hits.stream().map(QueryProcessor::toHit).toList();
  }

  private static RetrievalHit toHit(SearchHit hit) {
    return RetrievalHit.newBuilder()
        .setId(hit.id())
        .setScore(hit.score())
        .setText(hit.text() == null || hit.text().isEmpty() ? null : hit.text())
        .setImageUri(hit.imageUri() == null || hit.imageUri().isEmpty() ? null : hit.imageUri())
        .setMetadata(hit.metadata())
        .build();
  }

  private static byte[] bytesOf(RetrievalRequest request) {
    if (request.getImage() == null) {
      return null;
    }
    var buffer = request.getImage().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
