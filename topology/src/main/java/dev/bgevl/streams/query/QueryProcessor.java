package dev.bgevl.streams.query;

import dev.bgevl.streams.app.Topics;
import dev.bgevl.streams.batching.PendingBuffer;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.media.ImageBytes;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.milvus.MetadataFilter;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.milvus.SearchHit;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers retrieval requests with exactly one reply each, in batches: a request that passes the
 * cheap checks waits in the changelogged {@code query-pending} store until the batch is full or
 * {@code query.batch.max-delay-ms} passed; then one encoder call serves the whole batch and one
 * Milvus search serves each group of requests with the same filter.
 *
 * <p>Waiting in a changelogged store rather than in memory is what keeps "exactly one reply": a
 * crash after the request's offset was committed restores the store, and the request is answered.
 * Every failure becomes a non-OK reply, never an exception. Requests are encoded as queries with
 * their {@code instruction} (the MLLM models build their prompt from it; the CLIP models ignore it).
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
  private final ServiceMetrics metrics;
  private ProcessorContext<String, RetrievalReply> context;
  private PendingBuffer<PendingRetrieval> pending;

  QueryProcessor(Encoder encoder, MilvusSearcher searcher, ImageResolver images, Topics topics, QueryConfig config,
      String collection, Clock clock, ServiceMetrics metrics) {
    this.encoder = encoder;
    this.searcher = searcher;
    this.images = images;
    this.topics = topics;
    this.config = config;
    this.collection = collection;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, RetrievalReply> context) {
    this.context = context;
    this.pending = new PendingBuffer<>(context.getStateStore(QueryTopology.PENDING_STORE), config.batchMaxSize(),
        config.batchMaxDelay());
    context.schedule(PendingBuffer.checkInterval(config.batchMaxDelay()), PunctuationType.WALL_CLOCK_TIME, now -> {
      if (pending.isDue()) {
        flush();
      }
    });
  }

  @Override
  public void process(Record<String, RetrievalRequest> record) {
    metrics.queryRequest();
    RetrievalRequest request = record.value();
    String requestId = request != null && !request.getRequestId().isEmpty() ? request.getRequestId() : record.key();
    if (requestId == null) {
      log.warn("Dropped retrieval request with neither key nor request_id: nothing to answer to");
      return;
    }
    var correlation = record.headers().lastHeader(ReplyRouting.CORRELATION_ID);
    byte[] correlationId = correlation != null ? correlation.value() : requestId.getBytes(StandardCharsets.UTF_8);
    String replyTopic = topics.replies();
    try {
      if (request == null) {
        throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "request is empty (tombstone)");
      }
      replyTopic = replyTopicOf(request);
      validate(request);
    } catch (RuntimeException e) {
      reply(new PendingRetrieval(requestId, record.timestamp(), correlationId, replyTopic,
          request != null ? request : RetrievalRequest.newBuilder().setRequestId(requestId).build()), failure(e), e);
      return;
    }
    long offset = context.recordMetadata().orElseThrow().offset();
    if (pending.add(offset, new PendingRetrieval(requestId, record.timestamp(), correlationId, replyTopic, request))) {
      flush();
    }
  }

  private String replyTopicOf(RetrievalRequest request) {
    String replyTo = request.getReplyTo();
    if (replyTo == null || replyTo.isBlank()) {
      return topics.replies();
    }
    if (!topics.isAllowedReplyTopic(replyTo)) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "reply_to '" + replyTo + "' is not an allowed reply topic");
    }
    return replyTo;
  }

  /** The checks that need no model and no Milvus, so a bad request is answered at once. */
  private void validate(RetrievalRequest request) {
    if (request.getModel() != null && !request.getModel().isBlank() && !request.getModel().equals(encoder.model().id())) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST,
          "unknown model '" + request.getModel() + "'; this service serves '" + encoder.model().id() + "'");
    }
    int topK = request.getTopK();
    if (topK < 1 || topK > config.maxTopK()) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "top_k must be in 1.." + config.maxTopK() + ", got " + topK);
    }
    filterOf(request);
    boolean hasText = request.getText() != null && !request.getText().isBlank();
    boolean hasImage = request.getImage() != null
        || (request.getImageUri() != null && !request.getImageUri().isBlank());
    if (!hasText && !hasImage) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "request has neither text nor image");
    }
  }

  private Optional<MetadataFilter> filterOf(RetrievalRequest request) {
    return request.getFilter() == null || request.getFilter().isBlank()
        ? Optional.empty()
        : Optional.of(MetadataFilter.parse(request.getFilter(), config.filterFields()));
  }

  /** Answers everything waiting: one encoder call, one search per distinct filter. */
  private void flush() {
    List<KeyValue<String, PendingRetrieval>> batch = pending.snapshot();
    if (batch.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<PendingRetrieval> live = new ArrayList<>();
    List<EncodeInput> inputs = new ArrayList<>();
    for (KeyValue<String, PendingRetrieval> entry : batch) {
      PendingRetrieval p = entry.value;
      try {
        Instant deadline = deadlineOf(p);
        if (deadline != null && clock.instant().isAfter(deadline)) {
          throw new RetrievalFailure(ReplyStatus.DEADLINE_EXCEEDED, "deadline passed before the request was encoded");
        }
        RetrievalRequest r = p.request();
        byte[] image = images.resolve(ImageBytes.copyOf(r.getImage()), r.getImageUri());
        String text = r.getText() == null || r.getText().isBlank() ? null : r.getText();
        if (image == null && text == null) {
          throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "request has neither text nor image");
        }
        String instruction = r.getInstruction() == null || r.getInstruction().isBlank() ? null : r.getInstruction();
        inputs.add(EncodeInput.query(image, text, instruction));
        live.add(p);
      } catch (RuntimeException e) {
        reply(p, failure(e), e);
      }
    }
    answer(live, inputs);
    pending.remove(batch);
    if (log.isDebugEnabled()) {
      log.debug("Answered batch size={} encoded={} tookMs={}", batch.size(), live.size(),
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  private void answer(List<PendingRetrieval> live, List<EncodeInput> inputs) {
    if (live.isEmpty()) {
      return;
    }
    List<EncodeResult> encoded;
    try {
      encoded = encoder.encode(inputs);
    } catch (RuntimeException e) {
      live.forEach(p -> reply(p, failure(e), e));
      return;
    }
    // one search per filter: requests with the same filter share it, each trimmed to its own top_k
    Map<String, List<Integer>> byFilter = new LinkedHashMap<>();
    for (int i = 0; i < live.size(); i++) {
      if (encoded.get(i) instanceof EncodeResult.Rejected rejected) {
        reply(live.get(i), failure(rejected.toException()), rejected.toException());
        continue;
      }
      String filter = live.get(i).request().getFilter();
      byFilter.computeIfAbsent(filter == null ? "" : filter.strip(), k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : byFilter.values()) {
      List<float[]> vectors = new ArrayList<>();
      int topK = 1;
      Instant deadline = null;
      for (int i : group) {
        vectors.add(((EncodeResult.Encoded) encoded.get(i)).vector());
        topK = Math.max(topK, live.get(i).request().getTopK());
        Instant d = deadlineOf(live.get(i));
        deadline = d == null ? deadline : deadline == null || d.isBefore(deadline) ? d : deadline;
      }
      long searchStart = System.nanoTime();
      try {
        List<List<SearchHit>> hits;
        try {
          hits = searcher.search(collection, vectors, topK, filterOf(live.get(group.get(0)).request()), deadline);
        } finally {
          metrics.milvusSearch(System.nanoTime() - searchStart);
        }
        for (int j = 0; j < group.size(); j++) {
          PendingRetrieval p = live.get(group.get(j));
          List<RetrievalHit> mine = hits.get(j).stream().limit(p.request().getTopK()).map(QueryProcessor::toHit).toList();
          reply(p, RetrievalReply.newBuilder().setStatus(ReplyStatus.OK).setHits(mine), null);
        }
      } catch (RuntimeException e) {
        group.forEach(i -> reply(live.get(i), failure(e), e));
      }
    }
  }

  private static Instant deadlineOf(PendingRetrieval p) {
    return p.request().getDeadline();
  }

  private RetrievalReply.Builder failure(RuntimeException e) {
    return RetrievalReply.newBuilder()
        .setStatus(ReplyStatusMapper.statusOf(e))
        .setError(ReplyStatusMapper.messageOf(e))
        .setHits(List.of());
  }

  private void reply(PendingRetrieval p, RetrievalReply.Builder reply, RuntimeException cause) {
    ReplyStatus status = reply.getStatus();
    if (status == ReplyStatus.INTERNAL) {
      log.error("Retrieval failed unexpectedly requestId={}", p.requestId(), cause);
    } else if (status != ReplyStatus.OK) {
      log.info("Retrieval refused requestId={} status={} error={}", p.requestId(), status, reply.getError());
    }
    long now = clock.millis();
    RetrievalReply value = reply.setRequestId(p.requestId()).setModel(encoder.model().id())
        .setTookMs(Math.max(0, now - p.receivedAt())).build();
    RecordHeaders headers = new RecordHeaders();
    headers.add(ReplyRouting.CORRELATION_ID, p.correlationId());
    headers.add(ReplyRouting.REPLY_TOPIC, p.replyTopic().getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<>(p.requestId(), value, now, headers));
    metrics.queryReply(status, now - p.receivedAt());
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

}
