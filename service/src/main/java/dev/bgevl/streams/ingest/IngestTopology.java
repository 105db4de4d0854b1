package dev.bgevl.streams.ingest;

import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.milvus.VectorSink;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaVector;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.thumbnails.ThumbnailPool;
import dev.bgevl.streams.topics.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the ingest topology: {@code ingest-source → ingest-apply (store ingest-pending) →
 * ingest-vectors-sink | ingest-thumbnails-sink | ingest-dead-letter-sink}. The source reads raw
 * bytes; ingest-apply decodes them itself, so every dead letter carries the original bytes.
 */
public final class IngestTopology {

  public static final String SOURCE = "ingest-source";
  public static final String APPLY = "ingest-apply";
  public static final String VECTORS_SINK = "ingest-vectors-sink";
  public static final String THUMBNAILS_SINK = "ingest-thumbnails-sink";
  public static final String DEAD_LETTER_SINK = "ingest-dead-letter-sink";

  /**
   * Events waiting for their batch; changelogged, so a crash never loses one. Persistent (RocksDB)
   * rather than in-memory: with persistent state Streams keeps its process id in the state folder,
   * so a restart after a crash reuses its transactional ids and aborts the dead process's open
   * transaction at once, instead of waiting out the transaction timeout.
   */
  public static final String PENDING_STORE = "ingest-pending";

  private IngestTopology() {}

  /**
   * The topology the service runs; tests build the same one.
   *
   * @param collection the Milvus collection of the encoder's model
   * @param metrics where the processor counts events, batches, dead letters and Milvus call times
   * @param thumbnails makes each indexed image's thumbnail while its batch is encoded
   * @param limits records above the input limit are dead-lettered by reference, never copied
   */
  public static Topology build(
      Topics topics,
      IngestConfig config,
      Serde<MediaEvent> events,
      Serde<MediaVector> vectors,
      Encoder encoder,
      VectorSink sink,
      ImageResolver images,
      ThumbnailPool thumbnails,
      String collection,
      ServiceMetrics metrics,
      RecordLimits limits) {
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.mediaEvents());
    topology.addProcessor(
        APPLY,
        () ->
            new IngestProcessor(
                encoder,
                sink,
                images,
                collection,
                config,
                events.deserializer(),
                vectors.serializer(),
                topics.mediaVectors(),
                thumbnails,
                metrics,
                limits),
        SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PENDING_STORE),
            Serdes.String(),
            new PendingEventSerde()),
        APPLY);
    topology.addSink(
        VECTORS_SINK,
        topics.mediaVectors(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        APPLY);
    topology.addSink(
        THUMBNAILS_SINK,
        topics.mediaThumbnails(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        APPLY);
    topology.addSink(
        DEAD_LETTER_SINK,
        topics.mediaDeadLetters(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        APPLY);
    return topology;
  }
}
