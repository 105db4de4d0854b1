package dev.bgevl.streams.testkit;

import dev.bgevl.streams.embedded.testkit.TestImages;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaOp;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.schemas.serde.WireFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Media events for ingest tests, keyed by id and written as JSON, the wire format the test services
 * read.
 */
public final class MediaEvents {

  public static final SerdeConfig JSON = new SerdeConfig(WireFormat.JSON, Optional.empty());

  private static final List<TestImages.Sample> IMAGES = TestImages.generate(20);

  private MediaEvents() {}

  /**
   * An upsert of {@code id}: even {@code n} text only (cheap to encode), odd {@code n} one of the
   * 20 test images with a caption, so a batch mixes both paths through the encoder.
   */
  public static MediaEvent upsert(String id, int n, String text) {
    MediaEvent.Builder event =
        MediaEvent.newBuilder()
            .setId(id)
            .setText(text)
            .setMetadata(Map.of("n", Integer.toString(n)));
    if (n % 2 == 1) {
      event.setImage(ByteBuffer.wrap(IMAGES.get(n % IMAGES.size()).png()));
    }
    return event.build();
  }

  /** A DELETE of {@code id}. */
  public static MediaEvent delete(String id) {
    return MediaEvent.newBuilder().setId(id).setOp(MediaOp.DELETE).build();
  }

  /**
   * Sends every event keyed by its id with a producer of its own and waits until the broker
   * acknowledged all.
   */
  public static void produce(String bootstrapServers, String topic, List<MediaEvent> events)
      throws Exception {
    try (KafkaProducer<String, MediaEvent> producer = producer(bootstrapServers)) {
      send(producer, topic, events);
    }
  }

  /**
   * An idempotent producer of events keyed by id, for a test that sends several times; the caller
   * closes it.
   */
  public static KafkaProducer<String, MediaEvent> producer(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // a missing topic must fail the test, not block each send for the default minute
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    return new KafkaProducer<>(
        props, new StringSerializer(), BgevlSerde.of(MediaEvent.class, JSON).serializer());
  }

  /** Sends every event keyed by its id and waits until the broker acknowledged all of them. */
  public static void send(
      KafkaProducer<String, MediaEvent> producer, String topic, List<MediaEvent> events)
      throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (MediaEvent event : events) {
      sent.add(producer.send(new ProducerRecord<>(topic, event.getId(), event)));
    }
    for (Future<RecordMetadata> f : sent) {
      f.get(60, TimeUnit.SECONDS);
    }
  }
}
