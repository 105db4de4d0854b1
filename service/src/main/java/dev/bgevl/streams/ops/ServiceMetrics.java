package dev.bgevl.streams.ops;

import dev.bgevl.streams.encoder.batch.BatchListener;
import dev.bgevl.streams.encoder.batch.Lane;
import dev.bgevl.streams.encoder.batch.MicroBatcher;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Every metric the service exports, under fixed Prometheus names with the {@code bgevl_} prefix.
 * Recording is lock-free ({@link java.util.concurrent.atomic.LongAdder}) and safe from any thread;
 * {@link #scrape} writes the Prometheus text format 0.0.4. Labels come from permanent enums, each
 * constant exported from the start at zero.
 *
 * <table>
 * <caption>Families</caption>
 * <tr><td>{@code bgevl_ingest_events_in_total}</td><td>counter</td><td>media-event records taken in by ingest</td></tr>
 * <tr><td>{@code bgevl_ingest_batches_total}</td><td>counter</td><td>ingest batches applied</td></tr>
 * <tr><td>{@code bgevl_ingest_batch_size}</td><td>histogram</td><td>records per ingest batch</td></tr>
 * <tr><td>{@code bgevl_ingest_vectors_out_total}</td><td>counter</td><td>vectors upserted and written to media-vectors</td></tr>
 * <tr><td>{@code bgevl_ingest_deletes_total}</td><td>counter</td><td>deletes applied</td></tr>
 * <tr><td>{@code bgevl_dead_letters_total{reason}}</td><td>counter</td><td>dead letters by {@link DeadLetterReason}</td></tr>
 * <tr><td>{@code bgevl_milvus_upsert_seconds}, {@code _delete_seconds}, {@code _search_seconds}</td><td>histogram</td><td>one Milvus call, retries included</td></tr>
 * <tr><td>{@code bgevl_encoder_batch_size}</td><td>histogram</td><td>items per encoder batch</td></tr>
 * <tr><td>{@code bgevl_encoder_queue_wait_seconds}</td><td>histogram</td><td>longest queue wait in a batch</td></tr>
 * <tr><td>{@code bgevl_encoder_seconds}</td><td>histogram</td><td>time inside the encoder per batch</td></tr>
 * <tr><td>{@code bgevl_encoder_items_total{lane}}</td><td>counter</td><td>items encoded by {@link Lane}</td></tr>
 * <tr><td>{@code bgevl_encoder_failed_batches_total}</td><td>counter</td><td>batches the encoder threw for</td></tr>
 * <tr><td>{@code bgevl_encoder_overloaded_total{lane}}</td><td>counter</td><td>submits refused, queue full</td></tr>
 * <tr><td>{@code bgevl_encoder_deadline_exceeded_total{lane}}</td><td>counter</td><td>items dropped past their deadline</td></tr>
 * <tr><td>{@code bgevl_encoder_queue_depth{lane}}, {@code bgevl_encoder_queue_capacity}</td><td>gauge</td><td>items waiting now and the queue's size, see {@link #registerEncoderQueue}</td></tr>
 * <tr><td>{@code bgevl_query_requests_total}</td><td>counter</td><td>retrieval requests taken in</td></tr>
 * <tr><td>{@code bgevl_query_replies_total{status}}</td><td>counter</td><td>replies by {@link ReplyStatus}</td></tr>
 * <tr><td>{@code bgevl_query_seconds}</td><td>histogram</td><td>request record timestamp to reply</td></tr>
 * <tr><td>{@code bgevl_streams_*{app,...}}</td><td>gauge</td><td>selected Kafka Streams metrics, see {@link #registerStreams}</td></tr>
 * </table>
 */
public final class ServiceMetrics {
  /** Items per batch: powers of two up to the largest batch we allow. */
  static final double[] SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

  /** A Milvus call: a millisecond to the default 10 s call deadline. */
  static final double[] MILVUS_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Queue waits: from the batcher's few-millisecond max delay up to a submit timeout. */
  static final double[] WAIT_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  /**
   * Encoding and query latency: a GPU batch in milliseconds to a large CPU batch in tens of
   * seconds.
   */
  static final double[] LATENCY_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final Counter eventsIn =
      new Counter(
          "bgevl_ingest_events_in_total",
          "Media-event records taken in by ingest (replays after a restart count again).");
  private final Counter ingestBatches =
      new Counter("bgevl_ingest_batches_total", "Ingest batches applied.");
  private final Histogram ingestBatchSize =
      new Histogram(
          "bgevl_ingest_batch_size", "Records per applied ingest batch.", SIZE_BUCKETS, 1);
  private final Counter vectorsOut =
      new Counter(
          "bgevl_ingest_vectors_out_total",
          "Vectors upserted into Milvus and written to media-vectors.");
  private final Counter deletes =
      new Counter(
          "bgevl_ingest_deletes_total",
          "Deletes applied to Milvus and written to media-vectors as tombstones.");
  private final Counter thumbnailsOut =
      new Counter(
          "bgevl_ingest_thumbnails_out_total",
          "Thumbnails written to media-thumbnails with their vectors.");
  private final Counter thumbnailsFailed =
      new Counter(
          "bgevl_ingest_thumbnails_failed_total",
          "Indexed images whose thumbnail could not be made (the vector stands; a tombstone is"
              + " written).");
  private final EnumCounter<DeadLetterReason> deadLetters =
      new EnumCounter<>(
          "bgevl_dead_letters_total",
          "Records sent to a dead-letter topic, by reason.",
          "reason",
          DeadLetterReason.class);
  private final Histogram milvusUpsert =
      new Histogram(
          "bgevl_milvus_upsert_seconds",
          "One Milvus upsert of an ingest batch, retries included, failed ones too.",
          MILVUS_BUCKETS,
          Histogram.NANOS);
  private final Histogram milvusDelete =
      new Histogram(
          "bgevl_milvus_delete_seconds",
          "One Milvus delete of an ingest batch, retries included, failed ones too.",
          MILVUS_BUCKETS,
          Histogram.NANOS);
  private final Histogram milvusSearch =
      new Histogram(
          "bgevl_milvus_search_seconds",
          "One Milvus search for a group of queries, failed ones too.",
          MILVUS_BUCKETS,
          Histogram.NANOS);
  private final Histogram encoderBatchSize =
      new Histogram(
          "bgevl_encoder_batch_size",
          "Items per encoder batch, both lanes together.",
          SIZE_BUCKETS,
          1);
  private final Histogram encoderQueueWait =
      new Histogram(
          "bgevl_encoder_queue_wait_seconds",
          "Longest time an item of a batch waited in the encoder queue.",
          WAIT_BUCKETS,
          Histogram.NANOS);
  private final Histogram encoderSeconds =
      new Histogram(
          "bgevl_encoder_seconds",
          "Time spent inside the encoder per batch.",
          LATENCY_BUCKETS,
          Histogram.NANOS);
  private final EnumCounter<Lane> encoderItems =
      new EnumCounter<>("bgevl_encoder_items_total", "Items encoded, by lane.", "lane", Lane.class);
  private final Counter encoderFailedBatches =
      new Counter("bgevl_encoder_failed_batches_total", "Encoder batches that failed as a whole.");
  private final EnumCounter<Lane> encoderOverloaded =
      new EnumCounter<>(
          "bgevl_encoder_overloaded_total",
          "Submits the encoder queue refused because it stayed full, by lane.",
          "lane",
          Lane.class);
  private final EnumCounter<Lane> encoderDeadlineExceeded =
      new EnumCounter<>(
          "bgevl_encoder_deadline_exceeded_total",
          "Items dropped unencoded because their deadline had passed, by lane.",
          "lane",
          Lane.class);
  private final Counter queryRequests =
      new Counter("bgevl_query_requests_total", "Retrieval requests taken in.");
  private final EnumCounter<ReplyStatus> queryReplies =
      new EnumCounter<>(
          "bgevl_query_replies_total",
          "Retrieval replies sent, by status.",
          "status",
          ReplyStatus.class);
  private final Histogram querySeconds =
      new Histogram(
          "bgevl_query_seconds",
          "From the request record's timestamp to its reply.",
          LATENCY_BUCKETS,
          Histogram.MILLIS);
  private final EncoderQueueGauge encoderQueue = new EncoderQueueGauge();
  private final KafkaStreamsCollector streams = new KafkaStreamsCollector();

  private final BatchListener batchListener =
      new EncoderBatchMetrics(
          encoderBatchSize,
          encoderQueueWait,
          encoderSeconds,
          encoderItems,
          encoderFailedBatches,
          encoderDeadlineExceeded,
          encoderOverloaded);

  private final List<MetricFamily> families =
      List.of(
          eventsIn,
          ingestBatches,
          ingestBatchSize,
          vectorsOut,
          deletes,
          thumbnailsOut,
          thumbnailsFailed,
          deadLetters,
          milvusUpsert,
          milvusDelete,
          milvusSearch,
          encoderBatchSize,
          encoderQueueWait,
          encoderSeconds,
          encoderItems,
          encoderFailedBatches,
          encoderOverloaded,
          encoderDeadlineExceeded,
          encoderQueue,
          queryRequests,
          queryReplies,
          querySeconds,
          streams);

  /** One media-event record taken in by ingest. */
  public void ingestEventIn() {
    eventsIn.add(1);
  }

  /** An ingest batch of {@code size} records is being applied. */
  public void ingestBatch(int size) {
    ingestBatches.add(1);
    ingestBatchSize.observe(size);
  }

  /** {@code count} vectors went to Milvus and media-vectors. */
  public void ingestVectorsOut(int count) {
    vectorsOut.add(count);
  }

  /** {@code count} deletes went to Milvus and media-vectors. */
  public void ingestDeletes(int count) {
    deletes.add(count);
  }

  /** A thumbnail went to media-thumbnails. */
  public void thumbnailOut() {
    thumbnailsOut.add(1);
  }

  /** An indexed image got no thumbnail. */
  public void thumbnailFailed() {
    thumbnailsFailed.add(1);
  }

  /** One record went to a dead-letter topic. */
  public void deadLetter(DeadLetterReason reason) {
    deadLetters.add(reason, 1);
  }

  /** One Milvus upsert took {@code nanos}. */
  public void milvusUpsert(long nanos) {
    milvusUpsert.observe(nanos);
  }

  /** One Milvus delete took {@code nanos}. */
  public void milvusDelete(long nanos) {
    milvusDelete.observe(nanos);
  }

  /** One Milvus search took {@code nanos}. */
  public void milvusSearch(long nanos) {
    milvusSearch.observe(nanos);
  }

  /** One retrieval request taken in. */
  public void queryRequest() {
    queryRequests.add(1);
  }

  /** One reply sent, {@code tookMillis} after the request record's timestamp. */
  public void queryReply(ReplyStatus status, long tookMillis) {
    queryReplies.add(status, 1);
    querySeconds.observe(tookMillis);
  }

  /**
   * The listener to give the {@code MicroBatcher}: it feeds the {@code bgevl_encoder_*} families.
   */
  public BatchListener batchListener() {
    return batchListener;
  }

  /**
   * Exports {@code bgevl_encoder_queue_depth{lane}} and {@code bgevl_encoder_queue_capacity} of
   * {@code batcher}, read at every scrape; registering again replaces the batcher.
   */
  public void registerEncoderQueue(MicroBatcher batcher) {
    registerEncoderQueue(batcher::queued, batcher.policy().queueCapacity());
  }

  /** As {@link #registerEncoderQueue(MicroBatcher)}, from any per-lane count and capacity. */
  void registerEncoderQueue(ToIntFunction<Lane> queued, int capacity) {
    encoderQueue.register(queued, capacity);
  }

  /**
   * Exports the selected metrics of a Kafka Streams application with the label {@code app="<app>"}.
   */
  public void registerStreams(String app, KafkaStreams streams) {
    registerStreams(app, streams::metrics);
  }

  /**
   * Exports selected metrics of any Kafka client metric map (as {@code KafkaStreams.metrics()}
   * returns), read at every scrape, with the label {@code app="<app>"}; registering an app again
   * replaces it.
   */
  public void registerStreams(
      String app, Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
    streams.register(app, metrics);
  }

  /** Every family in the Prometheus text format 0.0.4. */
  public String scrape() {
    StringBuilder text = new StringBuilder(16_384);
    PrometheusWriter out = new PrometheusWriter(text);
    for (MetricFamily family : families) {
      family.writeTo(out);
    }
    return text.toString();
  }
}
