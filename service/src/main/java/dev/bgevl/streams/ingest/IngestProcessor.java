package dev.bgevl.streams.ingest;

import dev.bgevl.streams.batching.PendingBuffer;
import dev.bgevl.streams.deadletter.DeadLetterHeaders;
import dev.bgevl.streams.deadletter.SourceRecord;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.Failure;
import dev.bgevl.streams.failure.RejectedInputException;
import dev.bgevl.streams.media.ImageBytes;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.media.ImageResult;
import dev.bgevl.streams.media.ImageSource;
import dev.bgevl.streams.milvus.VectorRow;
import dev.bgevl.streams.milvus.VectorSink;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaOp;
import dev.bgevl.streams.schemas.media.MediaVector;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.thumbnails.Thumbnail;
import dev.bgevl.streams.thumbnails.ThumbnailPool;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
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
 * Applies media events in micro-batches: each raw record waits in the changelogged {@code
 * ingest-pending} store until the batch is full or {@code ingest.batch.max-delay-ms} passed; a
 * flush then makes one encoder call, one Milvus upsert and one Milvus delete, and writes the
 * vectors (or tombstones) to media-vectors, each id's thumbnail (or a tombstone) to
 * media-thumbnails, and bad events to the dead-letter topic. Thumbnails are made on their own pool
 * while the batch is in the encoder, and written in the same transaction as their vectors: no
 * thumbnail without its vector, and an upsert without an image or a delete removes the old one.
 *
 * <p>Raw bytes are kept, not decoded events, so a dead letter carries the original key and value.
 * Nothing is lost: the store is changelogged, Milvus is written before media-vectors, and a
 * transient failure (Milvus or the encoder queue) stops the task before the store is cleared, so
 * the restarted task flushes the same events again into idempotent upserts. Within a batch the last
 * event of an id wins, as it would one by one.
 */
final class IngestProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger log = LoggerFactory.getLogger(IngestProcessor.class);

  private final Encoder encoder;
  private final VectorSink sink;
  private final ImageResolver images;
  private final String collection;
  private final IngestConfig config;
  private final Deserializer<MediaEvent> events;
  private final Serializer<MediaVector> vectors;
  private final String vectorsTopic;
  private final ThumbnailPool thumbnails;
  private final ServiceMetrics metrics;
  private final RecordLimits limits;
  private ProcessorContext<byte[], byte[]> context;
  private PendingBuffer<SourceRecord> pending;

  IngestProcessor(
      Encoder encoder,
      VectorSink sink,
      ImageResolver images,
      String collection,
      IngestConfig config,
      Deserializer<MediaEvent> events,
      Serializer<MediaVector> vectors,
      String vectorsTopic,
      ThumbnailPool thumbnails,
      ServiceMetrics metrics,
      RecordLimits limits) {
    this.encoder = encoder;
    this.sink = sink;
    this.images = images;
    this.collection = collection;
    this.config = config;
    this.events = events;
    this.vectors = vectors;
    this.vectorsTopic = vectorsTopic;
    this.thumbnails = thumbnails;
    this.metrics = metrics;
    this.limits = limits;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.pending =
        PendingBuffer.scheduled(
            context,
            IngestTopology.PENDING_STORE,
            config.batchMaxSize(),
            config.batchMaxDelay(),
            buffer -> flush());
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.ingestEventIn();
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    SourceRecord source = SourceRecord.of(meta, record);
    long size = RecordLimits.sizeOf(record.key(), record.value(), record.headers());
    if (!limits.accepts(size)) {
      // copying it into the changelogged store (or a dead letter) would fail the write and stop the
      // partition
      deadLetterTooLarge(source, size);
      return;
    }
    boolean full = pending.add(meta.offset(), source);
    if (full) {
      flush();
    }
  }

  /** An event of the batch that decoded and passed validation. */
  private record Accepted(SourceRecord source, String id, MediaEvent event) {
    boolean isDelete() {
      return event == null || event.getOp() == MediaOp.DELETE;
    }
  }

  /**
   * An upsert with its image resolved and its embed mode applied (what the encoder is given), and
   * its thumbnail being made.
   */
  private record Resolved(
      Accepted item, EncodeInput input, ThumbnailPool.PendingThumbnail thumbnail) {}

  /** An upsert with its vector: the Milvus row, the media-vectors record and its thumbnail. */
  private record Embedded(
      Accepted item, VectorRow row, MediaVector vector, ThumbnailPool.PendingThumbnail thumbnail) {}

  private void flush() {
    List<KeyValue<String, SourceRecord>> batch = pending.snapshot();
    if (batch.isEmpty()) {
      return;
    }
    metrics.ingestBatch(batch.size());
    long start = System.nanoTime();
    try {
      apply(batch);
    } catch (RuntimeException e) {
      if (Failure.classify(e) instanceof Failure.Transient) {
        // the store keeps the batch: the restarted task applies it again
        throw e;
      }
      log.error("Batch failed unexpectedly, dead-lettering its events size={}", batch.size(), e);
      batch.forEach(entry -> deadLetter(entry.value, DeadLetterReason.INTERNAL, e));
    }
    pending.remove(batch);
    if (log.isDebugEnabled()) {
      log.debug(
          "Applied batch size={} tookMs={}", batch.size(), (System.nanoTime() - start) / 1_000_000);
    }
  }

  /**
   * One batch through its stages, each item carried as one record and dead-lettered at the stage
   * that refuses it: decode and validate (the last event of an id wins), resolve images, encode,
   * build rows, then write Milvus before media-vectors, so a vector on the topic is always in the
   * store.
   */
  private void apply(List<KeyValue<String, SourceRecord>> batch) {
    List<Accepted> latest = lastEventPerId(batch);
    List<Accepted> deletes = latest.stream().filter(Accepted::isDelete).toList();
    List<Resolved> resolved = resolve(latest.stream().filter(a -> !a.isDelete()).toList());
    List<Embedded> embedded = embed(resolved);
    Written written = write(embedded, deletes);
    for (Embedded e : written.upserted()) {
      forwardVector(e.item(), vectors.serialize(vectorsTopic, e.vector()));
      forwardThumbnail(e.item(), e.thumbnail().await());
    }
    for (Accepted d : written.deleted()) {
      forwardVector(d, null);
      forwardThumbnail(d, Thumbnail.none());
    }
    metrics.ingestVectorsOut(written.upserted().size());
    metrics.ingestDeletes(written.deleted().size());
  }

  /**
   * Decodes and validates each record; of several events of one id only the last counts, as it
   * would one by one.
   */
  private List<Accepted> lastEventPerId(List<KeyValue<String, SourceRecord>> batch) {
    Map<String, Accepted> latest = new LinkedHashMap<>();
    for (KeyValue<String, SourceRecord> entry : batch) {
      try {
        Accepted a = accept(entry.value);
        latest.remove(a.id()); // re-insert so the map keeps the order of the last events
        latest.put(a.id(), a);
      } catch (RejectedInputException e) {
        deadLetter(entry.value, e.reason(), e);
      }
    }
    return List.copyOf(latest.values());
  }

  /**
   * Fetches image URIs (in parallel: the batch waits for the slowest, not the sum) and applies the
   * embed mode.
   */
  private List<Resolved> resolve(List<Accepted> upserts) {
    if (upserts.isEmpty()) {
      return List.of();
    }
    List<ImageResult> fetched =
        images.resolveAll(
            upserts.stream()
                .map(
                    a ->
                        ImageSource.of(
                            ImageBytes.copyOf(a.event().getImage()), a.event().getImageUri()))
                .toList());
    List<Resolved> resolved = new ArrayList<>();
    for (int i = 0; i < upserts.size(); i++) {
      Accepted a = upserts.get(i);
      try {
        byte[] image = fetched.get(i).orThrow();
        EncodeInput input =
            EmbedModeRule.inputFor(a.event().getEmbed(), image, a.event().getText());
        resolved.add(new Resolved(a, input, thumbnails.start(image)));
      } catch (RejectedInputException e) {
        deadLetter(a.source(), e.reason(), e);
      }
    }
    return resolved;
  }

  /**
   * One encoder call for the batch; each result becomes a row, or a dead letter when the encoder or
   * a limit refuses.
   */
  private List<Embedded> embed(List<Resolved> resolved) {
    if (resolved.isEmpty()) {
      return List.of();
    }
    List<EncodeResult> results = encoder.encode(resolved.stream().map(Resolved::input).toList());
    String model = encoder.model().id();
    List<Embedded> embedded = new ArrayList<>();
    for (int i = 0; i < resolved.size(); i++) {
      Accepted a = resolved.get(i).item();
      ThumbnailPool.PendingThumbnail thumbnail = resolved.get(i).thumbnail();
      if (results.get(i) instanceof EncodeResult.Rejected rejected) {
        deadLetter(a.source(), Failure.reasonOf(rejected.toException()), rejected.toException());
        continue;
      }
      float[] vector = ((EncodeResult.Encoded) results.get(i)).vector();
      MediaEvent e = a.event();
      long eventTime =
          e.getEventTime() != null ? e.getEventTime().toEpochMilli() : a.source().timestamp();
      try {
        VectorRow row =
            new VectorRow(
                a.id(), vector, e.getText(), e.getImageUri(), e.getMetadata(), eventTime, model);
        embedded.add(
            new Embedded(
                a,
                row,
                MediaVector.newBuilder()
                    .setId(a.id())
                    .setModel(model)
                    .setDim(vector.length)
                    .setVector(boxed(vector))
                    .setText(e.getText())
                    .setImageUri(e.getImageUri())
                    .setMetadata(e.getMetadata())
                    .setEventTime(Instant.ofEpochMilli(eventTime))
                    .build(),
                thumbnail));
      } catch (IllegalArgumentException invalid) {
        deadLetter(a.source(), DeadLetterReason.INVALID_FIELD, invalid);
      }
    }
    return embedded;
  }

  /**
   * Upserts and deletes in Milvus and returns what was written. A transient failure leaves the
   * whole batch in the store for the retry; a call the store refuses outright (an id it cannot
   * hold) is retried row by row, so only the rows it refuses become dead letters, not their
   * neighbours.
   */
  private Written write(List<Embedded> embedded, List<Accepted> deletes) {
    List<Embedded> upserted =
        isolating(
            embedded,
            rows -> {
              long upsertStart = System.nanoTime();
              try {
                sink.upsert(collection, rows.stream().map(Embedded::row).toList());
              } finally {
                metrics.milvusUpsert(System.nanoTime() - upsertStart);
              }
            },
            e -> e.item().source());
    List<Accepted> deleted =
        isolating(
            deletes,
            ids -> {
              long deleteStart = System.nanoTime();
              try {
                sink.delete(collection, ids.stream().map(Accepted::id).toList());
              } finally {
                metrics.milvusDelete(System.nanoTime() - deleteStart);
              }
            },
            Accepted::source);
    return new Written(upserted, deleted);
  }

  /** What reached Milvus: only these go on to media-vectors. */
  private record Written(List<Embedded> upserted, List<Accepted> deleted) {}

  /**
   * Runs {@code call} on all {@code items}; when the store refuses the call (not an outage), runs
   * it on each item alone and dead-letters the ones it still refuses.
   */
  private <T> List<T> isolating(
      List<T> items, Consumer<List<T>> call, Function<T, SourceRecord> sourceOf) {
    if (items.isEmpty()) {
      return List.of();
    }
    try {
      call.accept(items);
      return items;
    } catch (RuntimeException e) {
      if (Failure.classify(e) instanceof Failure.Transient) {
        throw e;
      }
      if (items.size() == 1) {
        deadLetter(sourceOf.apply(items.get(0)), DeadLetterReason.STORE_REFUSED, e);
        return List.of();
      }
    }
    List<T> written = new ArrayList<>();
    for (T item : items) {
      written.addAll(isolating(List.of(item), call, sourceOf));
    }
    return written;
  }

  private Accepted accept(SourceRecord source) {
    MediaEvent event;
    try {
      event = events.deserialize(source.topic(), source.headers(), source.value());
    } catch (SerializationException e) {
      throw new RejectedInputException(DeadLetterReason.UNDECODABLE_RECORD, e.getMessage());
    }
    String key = source.key() == null ? null : new String(source.key(), StandardCharsets.UTF_8);
    String valueId = event == null ? null : event.getId();
    if (key != null && valueId != null && !valueId.isEmpty() && !key.equals(valueId)) {
      throw new RejectedInputException(
          DeadLetterReason.ID_MISMATCH,
          "record key and event id differ (key length "
              + key.length()
              + ", id length "
              + valueId.length()
              + ")");
    }
    String id = key != null ? key : valueId;
    if (id == null || id.isBlank()) {
      throw new RejectedInputException(
          DeadLetterReason.MISSING_ID, "event has no media id (no key, no id)");
    }
    return new Accepted(source, id, event);
  }

  private void forwardVector(Accepted a, byte[] value) {
    context.forward(
        new Record<>(a.id().getBytes(StandardCharsets.UTF_8), value, a.source().timestamp()),
        IngestTopology.VECTORS_SINK);
  }

  private void forwardThumbnail(Accepted a, Thumbnail thumbnail) {
    if (thumbnail.present()) {
      metrics.thumbnailOut();
    } else if (thumbnail.failure() != null) {
      metrics.thumbnailFailed();
      // the vector stands; only the picture on the search page is missing
      log.warn(
          "No thumbnail for an indexed image topic={} partition={} offset={} error={}",
          a.source().topic(),
          a.source().partition(),
          a.source().offset(),
          thumbnail.failure());
    }
    context.forward(
        new Record<>(
            a.id().getBytes(StandardCharsets.UTF_8), thumbnail.jpeg(), a.source().timestamp()),
        IngestTopology.THUMBNAILS_SINK);
  }

  private void deadLetter(SourceRecord source, DeadLetterReason reason, Exception e) {
    metrics.deadLetter(reason);
    if (reason != DeadLetterReason.INTERNAL) {
      log.warn(
          "Dead-lettered event topic={} partition={} offset={} reason={} error={}",
          source.topic(),
          source.partition(),
          source.offset(),
          reason,
          e.getMessage());
    }
    context.forward(
        new Record<>(
            source.key(),
            source.value(),
            source.timestamp(),
            DeadLetterHeaders.headers(source, IngestTopology.APPLY, reason, e)),
        IngestTopology.DEAD_LETTER_SINK);
  }

  private void deadLetterTooLarge(SourceRecord source, long size) {
    String message =
        "record is "
            + size
            + " bytes (key, value and headers); the limit is "
            + limits.maxRecordBytes()
            + " (--kafka.max-record-bytes)";
    metrics.deadLetter(DeadLetterReason.RECORD_TOO_LARGE);
    log.warn(
        "Dead-lettered event topic={} partition={} offset={} reason={} error={}",
        source.topic(),
        source.partition(),
        source.offset(),
        DeadLetterReason.RECORD_TOO_LARGE,
        message);
    ProducerRecord<byte[], byte[]> reference =
        DeadLetterHeaders.reference(
            "", source, size, IngestTopology.APPLY, DeadLetterReason.RECORD_TOO_LARGE, message);
    context.forward(
        new Record<>(reference.key(), reference.value(), source.timestamp(), reference.headers()),
        IngestTopology.DEAD_LETTER_SINK);
  }

  private static List<Float> boxed(float[] vector) {
    List<Float> out = new ArrayList<>(vector.length);
    for (float v : vector) {
      out.add(v);
    }
    return out;
  }
}
