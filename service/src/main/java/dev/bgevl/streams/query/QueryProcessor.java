package dev.bgevl.streams.query;

import dev.bgevl.streams.batching.PendingBuffer;
import dev.bgevl.streams.deadletter.DeadLetterHeaders;
import dev.bgevl.streams.deadletter.SourceRecord;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import dev.bgevl.streams.media.ImageBytes;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.milvus.MetadataFilter;
import dev.bgevl.streams.milvus.SearchHit;
import dev.bgevl.streams.milvus.VectorSearch;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.schemas.retrieval.ReplyHeaders;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
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
 * their {@code instruction} (the MLLM models build their prompt from it; the CLIP models ignore
 * it).
 */
final class QueryProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger log = LoggerFactory.getLogger(QueryProcessor.class);

  /**
   * A correlation id is an opaque token; a larger header is not copied into replies (the request id
   * is used).
   */
  static final int MAX_CORRELATION_ID_BYTES = 1_024;

  private static final int PARSED_FILTER_CACHE = 256;

  private final Encoder encoder;
  private final VectorSearch searcher;
  private final ImageResolver images;
  private final Topics topics;
  private final QueryConfig config;
  private final String collection;
  private final Clock clock;
  private final ServiceMetrics metrics;
  private final RecordLimits limits;
  private final Deserializer<RetrievalRequest> requests;
  private final Serializer<RetrievalReply> replies;

  /**
   * Parsed filters by their text, bounded: a filter is parsed once, however many requests repeat
   * it.
   */
  private final Map<String, MetadataFilter> parsedFilters =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MetadataFilter> eldest) {
          return size() > PARSED_FILTER_CACHE;
        }
      };

  private ProcessorContext<byte[], byte[]> context;
  private PendingBuffer<PendingRetrieval> pending;

  QueryProcessor(
      Encoder encoder,
      VectorSearch searcher,
      ImageResolver images,
      Topics topics,
      QueryConfig config,
      String collection,
      Clock clock,
      ServiceMetrics metrics,
      RecordLimits limits,
      Deserializer<RetrievalRequest> requests,
      Serializer<RetrievalReply> replies) {
    this.encoder = encoder;
    this.searcher = searcher;
    this.images = images;
    this.topics = topics;
    this.config = config;
    this.collection = collection;
    this.clock = clock;
    this.metrics = metrics;
    this.limits = limits;
    this.requests = requests;
    this.replies = replies;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.pending =
        PendingBuffer.scheduled(
            context,
            QueryTopology.PENDING_STORE,
            config.batchMaxSize(),
            config.batchMaxDelay(),
            buffer -> flush());
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.queryRequest();
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    SourceRecord source = SourceRecord.of(meta, record);
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    long size = RecordLimits.sizeOf(record.key(), record.value(), record.headers());
    boolean tooLarge = !limits.accepts(size);
    RetrievalRequest request;
    try {
      request = requests.deserialize(meta.topic(), record.headers(), record.value());
    } catch (SerializationException e) {
      refuseUndecodable(source, key, size, tooLarge, e);
      return;
    }
    String requestId =
        request != null && !request.getRequestId().isEmpty() ? request.getRequestId() : key;
    if (requestId == null) {
      deadLetter(
          source,
          size,
          tooLarge,
          DeadLetterReason.MISSING_ID,
          new RejectedInputException(
              DeadLetterReason.MISSING_ID, "request has neither key nor request_id"));
      return;
    }
    byte[] correlationId = correlationIdOf(source, requestId);
    if (tooLarge) {
      // answered, never stored: copying it into the changelogged store would fail the write and
      // stop the partition
      String replyTopic =
          request != null && isAllowed(request.getReplyTo())
              ? request.getReplyTo()
              : topics.replies();
      deadLetter(source, size, true, DeadLetterReason.RECORD_TOO_LARGE, null);
      reply(
          new PendingRetrieval(
              requestId,
              record.timestamp(),
              correlationId,
              replyTopic,
              RetrievalRequest.newBuilder().setRequestId(requestId).build()),
          failure(new RetrievalFailure(ReplyStatus.INVALID_REQUEST, tooLargeMessage(size))),
          null,
          false);
      return;
    }
    String replyTopic = topics.replies();
    try {
      if (request == null) {
        throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "request is empty (tombstone)");
      }
      replyTopic = replyTopicOf(request);
      validate(request);
    } catch (RuntimeException e) {
      reply(
          new PendingRetrieval(
              requestId,
              record.timestamp(),
              correlationId,
              replyTopic,
              request != null
                  ? request
                  : RetrievalRequest.newBuilder().setRequestId(requestId).build()),
          failure(e),
          e);
      return;
    }
    if (pending.add(
        meta.offset(),
        new PendingRetrieval(requestId, record.timestamp(), correlationId, replyTopic, request))) {
      flush();
    }
  }

  /**
   * The request's correlation header, or its id when it has none (or one too large to copy into
   * every reply).
   */
  private static byte[] correlationIdOf(SourceRecord source, String requestId) {
    var correlation = source.headers().lastHeader(ReplyHeaders.CORRELATION_ID);
    return correlation != null
            && correlation.value() != null
            && correlation.value().length <= MAX_CORRELATION_ID_BYTES
        ? correlation.value()
        : requestId.getBytes(StandardCharsets.UTF_8);
  }

  private boolean isAllowed(String replyTo) {
    return replyTo != null && !replyTo.isBlank() && topics.isAllowedReplyTopic(replyTo);
  }

  /**
   * Bytes that are no request: dead-lettered (by reference when too large), and answered when the
   * key names the request, so a client waiting on it hears why instead of timing out.
   */
  private void refuseUndecodable(
      SourceRecord source, String key, long size, boolean tooLarge, SerializationException e) {
    DeadLetterReason reason =
        tooLarge ? DeadLetterReason.RECORD_TOO_LARGE : DeadLetterReason.UNDECODABLE_RECORD;
    String message =
        tooLarge ? tooLargeMessage(size) : "request does not decode: " + e.getMessage();
    deadLetter(source, size, tooLarge, reason, new RejectedInputException(reason, message));
    if (key == null) {
      return;
    }
    reply(
        new PendingRetrieval(
            key,
            source.timestamp(),
            correlationIdOf(source, key),
            topics.replies(),
            RetrievalRequest.newBuilder().setRequestId(key).build()),
        failure(new RetrievalFailure(ReplyStatus.INVALID_REQUEST, message)),
        null,
        false);
  }

  private String tooLargeMessage(long size) {
    return "request is "
        + size
        + " bytes (key, value and headers); the limit is "
        + limits.maxRecordBytes()
        + " (--kafka.max-record-bytes); send large images by image_uri";
  }

  /**
   * One log line, then the record (or, when too large, a reference to it) on the request
   * dead-letter topic.
   */
  private void deadLetter(
      SourceRecord source,
      long size,
      boolean byReference,
      DeadLetterReason reason,
      RejectedInputException e) {
    String message = e != null ? e.getMessage() : tooLargeMessage(size);
    log.warn(
        "Dead-lettered request topic={} partition={} offset={} reason={} error={}",
        source.topic(),
        source.partition(),
        source.offset(),
        reason,
        message);
    metrics.deadLetter(reason);
    ProducerRecord<byte[], byte[]> letter =
        byReference
            ? DeadLetterHeaders.reference("", source, size, QueryTopology.ANSWER, reason, message)
            : new ProducerRecord<>(
                "",
                null,
                source.timestamp(),
                source.key(),
                source.value(),
                DeadLetterHeaders.headers(source, QueryTopology.ANSWER, reason, e));
    context.forward(
        new Record<>(letter.key(), letter.value(), source.timestamp(), letter.headers()),
        QueryTopology.DEAD_LETTER_SINK);
  }

  private String replyTopicOf(RetrievalRequest request) {
    String replyTo = request.getReplyTo();
    if (replyTo == null || replyTo.isBlank()) {
      return topics.replies();
    }
    if (!topics.isAllowedReplyTopic(replyTo)) {
      throw new RetrievalFailure(
          ReplyStatus.INVALID_REQUEST, "reply_to '" + replyTo + "' is not an allowed reply topic");
    }
    return replyTo;
  }

  /** The checks that need no model and no Milvus, so a bad request is answered at once. */
  private void validate(RetrievalRequest request) {
    if (request.getModel() != null
        && !request.getModel().isBlank()
        && !request.getModel().equals(encoder.model().id())) {
      throw new RetrievalFailure(
          ReplyStatus.INVALID_REQUEST,
          "unknown model '"
              + request.getModel()
              + "'; this service serves '"
              + encoder.model().id()
              + "'");
    }
    int topK = request.getTopK();
    if (topK < 1 || topK > config.maxTopK()) {
      throw new RetrievalFailure(
          ReplyStatus.INVALID_REQUEST, "top_k must be in 1.." + config.maxTopK() + ", got " + topK);
    }
    filterOf(request);
    boolean hasText = request.getText() != null && !request.getText().isBlank();
    boolean hasImage =
        request.getImage() != null
            || (request.getImageUri() != null && !request.getImageUri().isBlank());
    if (!hasText && !hasImage) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "request has neither text nor image");
    }
  }

  /**
   * The request's filter, parsed once per distinct text: repeated filters (a UI's facets) are
   * common.
   */
  private Optional<MetadataFilter> filterOf(RetrievalRequest request) {
    String text = request.getFilter();
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    MetadataFilter parsed = parsedFilters.get(text);
    if (parsed == null) {
      parsed = MetadataFilter.parse(text, config.filterFields());
      parsedFilters.put(text, parsed);
    }
    return Optional.of(parsed);
  }

  /** A request of the batch that is still to be answered, with what its stages need. */
  private record Live(
      PendingRetrieval pending, EncodeInput input, Optional<MetadataFilter> filter) {}

  /** A live request with its query vector. */
  private record Embedded(Live live, float[] vector) {}

  /**
   * Answers everything waiting, each request carried as one record through its stages: check the
   * deadline and resolve the image, one encoder call for the batch, one search per distinct filter;
   * a request refused at any stage gets its reply there.
   */
  private void flush() {
    List<KeyValue<String, PendingRetrieval>> batch = pending.snapshot();
    if (batch.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<Live> live = new ArrayList<>();
    for (KeyValue<String, PendingRetrieval> entry : batch) {
      try {
        live.add(prepare(entry.value));
      } catch (RuntimeException e) {
        reply(entry.value, failure(e), e);
      }
    }
    List<Embedded> embedded = embed(live);
    // one search per filter: requests with the same filter share it, each trimmed to its own top_k
    Map<Optional<MetadataFilter>, List<Embedded>> byFilter = new LinkedHashMap<>();
    for (Embedded e : embedded) {
      byFilter.computeIfAbsent(e.live().filter(), k -> new ArrayList<>()).add(e);
    }
    byFilter.forEach(this::search);
    pending.remove(batch);
    if (log.isDebugEnabled()) {
      log.debug(
          "Answered batch size={} encoded={} tookMs={}",
          batch.size(),
          embedded.size(),
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  private Live prepare(PendingRetrieval p) {
    Instant deadline = deadlineOf(p);
    if (deadline != null && clock.instant().isAfter(deadline)) {
      throw new RetrievalFailure(
          ReplyStatus.DEADLINE_EXCEEDED, "deadline passed before the request was encoded");
    }
    RetrievalRequest r = p.request();
    byte[] image = images.resolve(ImageBytes.copyOf(r.getImage()), r.getImageUri());
    String text = r.getText() == null || r.getText().isBlank() ? null : r.getText();
    if (image == null && text == null) {
      throw new RetrievalFailure(ReplyStatus.INVALID_REQUEST, "request has neither text nor image");
    }
    String instruction =
        r.getInstruction() == null || r.getInstruction().isBlank() ? null : r.getInstruction();
    return new Live(p, EncodeInput.query(image, text, instruction), filterOf(r));
  }

  private List<Embedded> embed(List<Live> live) {
    if (live.isEmpty()) {
      return List.of();
    }
    List<EncodeResult> encoded;
    try {
      encoded = encoder.encode(live.stream().map(Live::input).toList());
    } catch (RuntimeException e) {
      live.forEach(l -> reply(l.pending(), failure(e), e));
      return List.of();
    }
    List<Embedded> embedded = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      if (encoded.get(i) instanceof EncodeResult.Rejected rejected) {
        reply(live.get(i).pending(), failure(rejected.toException()), rejected.toException());
      } else {
        embedded.add(new Embedded(live.get(i), ((EncodeResult.Encoded) encoded.get(i)).vector()));
      }
    }
    return embedded;
  }

  /** One search for a group that shares a filter: the largest top_k, the earliest deadline. */
  private void search(Optional<MetadataFilter> filter, List<Embedded> group) {
    int topK = group.stream().mapToInt(e -> e.live().pending().request().getTopK()).max().orElse(1);
    Instant deadline =
        group.stream()
            .map(e -> deadlineOf(e.live().pending()))
            .filter(Objects::nonNull)
            .min(Instant::compareTo)
            .orElse(null);
    long searchStart = System.nanoTime();
    try {
      List<List<SearchHit>> hits;
      try {
        hits =
            searcher.search(
                collection, group.stream().map(Embedded::vector).toList(), topK, filter, deadline);
      } finally {
        metrics.milvusSearch(System.nanoTime() - searchStart);
      }
      for (int j = 0; j < group.size(); j++) {
        PendingRetrieval p = group.get(j).live().pending();
        List<RetrievalHit> mine =
            hits.get(j).stream().limit(p.request().getTopK()).map(QueryProcessor::toHit).toList();
        reply(p, RetrievalReply.newBuilder().setStatus(ReplyStatus.OK).setHits(mine), null);
      }
    } catch (RuntimeException e) {
      group.forEach(g -> reply(g.live().pending(), failure(e), e));
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
    reply(p, reply, cause, true);
  }

  private void reply(
      PendingRetrieval p,
      RetrievalReply.Builder reply,
      RuntimeException cause,
      boolean logRefusal) {
    ReplyStatus status = reply.getStatus();
    if (status == ReplyStatus.INTERNAL) {
      log.error("Retrieval failed unexpectedly requestId={}", p.requestId(), cause);
    } else if (status != ReplyStatus.OK && logRefusal) {
      log.info(
          "Retrieval refused requestId={} status={} error={}",
          p.requestId(),
          status,
          reply.getError());
    }
    long now = clock.millis();
    RetrievalReply value =
        reply
            .setRequestId(p.requestId())
            .setModel(encoder.model().id())
            .setTookMs(Math.max(0, now - p.receivedAt()))
            .build();
    RecordHeaders headers = new RecordHeaders();
    headers.add(ReplyHeaders.CORRELATION_ID, p.correlationId());
    headers.add(ReplyHeaders.REPLY_TOPIC, p.replyTopic().getBytes(StandardCharsets.UTF_8));
    byte[] bytes =
        ReplySizeGuard.serialize(
            replies,
            p.replyTopic(),
            headers,
            value,
            limits.internalRecordBytes()
                - (int)
                    RecordLimits.sizeOf(
                        p.requestId().getBytes(StandardCharsets.UTF_8), null, headers));
    context.forward(
        new Record<>(p.requestId().getBytes(StandardCharsets.UTF_8), bytes, now, headers),
        QueryTopology.REPLY_SINK);
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
