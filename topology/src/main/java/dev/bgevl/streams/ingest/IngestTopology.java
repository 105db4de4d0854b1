package dev.bgevl.streams.ingest;

import dev.bgevl.streams.app.Topics;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.milvus.MilvusVectorSink;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaVector;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/** Builds the ingest topology: {@code ingest-source → ingest-apply → ingest-vectors-sink}. */
public final class IngestTopology {

  public static final String SOURCE = "ingest-source";
  public static final String APPLY = "ingest-apply";
  public static final String VECTORS_SINK = "ingest-vectors-sink";

  private IngestTopology() {}

  /**
   * The topology the service runs; tests build the same one.
   *
   * @param collection the Milvus collection of the encoder's model
   */
  public static Topology build(Topics topics, Serde<MediaEvent> events, Serde<MediaVector> vectors,
      Encoder encoder, MilvusVectorSink sink, ImageResolver images, String collection) {
    Topology topology = new Topology();
    topology.addSource(SOURCE, Serdes.String().deserializer(), events.deserializer(), topics.mediaEvents());
    topology.addProcessor(APPLY, () -> new IngestProcessor(encoder, sink, images, collection), SOURCE);
    topology.addSink(VECTORS_SINK, topics.mediaVectors(), Serdes.String().serializer(), vectors.serializer(), APPLY);
    return topology;
  }
}
