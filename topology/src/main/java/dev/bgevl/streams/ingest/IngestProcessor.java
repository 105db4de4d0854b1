package dev.bgevl.streams.ingest;

import dev.bgevl.streams.deadletter.DeadLetterReason;
import dev.bgevl.streams.deadletter.RejectedInputException;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.milvus.MilvusVectorSink;
import dev.bgevl.streams.milvus.VectorRow;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaOp;
import dev.bgevl.streams.schemas.media.MediaVector;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Applies one media event: embeds and upserts it, or deletes it, then writes the vector (or a
 * tombstone) to media-vectors. Bad input is thrown as {@link RejectedInputException}; the
 * processing exception handler turns it into a dead letter.
 *
 * <p>Milvus is written before media-vectors is, and offsets commit after both, so a crash in
 * between replays the event into an idempotent upsert: nothing is lost, nothing doubled.
 */
final class IngestProcessor implements Processor<String, MediaEvent, String, MediaVector> {

  private final Encoder encoder;
  private final MilvusVectorSink sink;
  private final ImageResolver images;
  private final String collection;
  private ProcessorContext<String, MediaVector> context;

  IngestProcessor(Encoder encoder, MilvusVectorSink sink, ImageResolver images, String collection) {
    this.encoder = encoder;
    this.sink = sink;
    this.images = images;
    this.collection = collection;
  }

  @Override
  public void init(ProcessorContext<String, MediaVector> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, MediaEvent> record) {
    MediaEvent event = record.value();
    String id = mediaId(record.key(), event);
    if (event == null || event.getOp() == MediaOp.DELETE) {
      sink.delete(collection, List.of(id));
      context.forward(record.withKey(id).withValue(null));
      return;
    }
    byte[] image = images.resolve(bytesOf(event), event.getImageUri());
    EncodeInput input = EmbedModeRule.inputFor(event.getEmbed(), image, event.getText());
    EncodeResult result = encoder.encode(List.of(input)).get(0);
    if (result instanceof EncodeResult.Rejected rejected) {
      throw new RejectedInputException(reasonOf(rejected), rejected.message());
    }
    float[] vector = ((EncodeResult.Encoded) result).vector();
    long eventTime = event.getEventTime() != null ? event.getEventTime().toEpochMilli() : record.timestamp();
    String model = encoder.model().id();
    sink.upsert(collection, List.of(
        new VectorRow(id, vector, event.getText(), event.getImageUri(), event.getMetadata(), eventTime, model)));
    context.forward(record.withKey(id).withValue(MediaVector.newBuilder()
        .setId(id)
        .setModel(model)
        .setDim(vector.length)
        .setVector(boxed(vector))
        .setText(event.getText())
        .setImageUri(event.getImageUri())
        .setMetadata(event.getMetadata())
        .setEventTime(java.time.Instant.ofEpochMilli(eventTime))
        .build()));
  }

  private static String mediaId(String key, MediaEvent event) {
    String valueId = event == null ? null : event.getId();
    if (key != null && valueId != null && !valueId.isEmpty() && !key.equals(valueId)) {
      throw new RejectedInputException(DeadLetterReason.ID_MISMATCH,
          "record key and event id differ (key length " + key.length() + ", id length " + valueId.length() + ")");
    }
    String id = key != null ? key : valueId;
    if (id == null || id.isBlank()) {
      throw new RejectedInputException(DeadLetterReason.MISSING_ID, "event has no media id (no key, no id)");
    }
    return id;
  }

  private static byte[] bytesOf(MediaEvent event) {
    if (event.getImage() == null) {
      return null;
    }
    var buffer = event.getImage().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static DeadLetterReason reasonOf(EncodeResult.Rejected rejected) {
    return switch (rejected.reason()) {
      case IMAGE_UNDECODABLE -> DeadLetterReason.IMAGE_UNDECODABLE;
      case IMAGE_TOO_LARGE -> DeadLetterReason.IMAGE_TOO_LARGE;
      case UNSUPPORTED_INPUT -> DeadLetterReason.UNSUPPORTED_EMBED_MODE;
    };
  }

  private static List<Float> boxed(float[] vector) {
    List<Float> out = new ArrayList<>(vector.length);
    for (float v : vector) {
      out.add(v);
    }
    return out;
  }
}
