package dev.bgevl.streams.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.embedded.testkit.TestImages;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.testkit.TestServices;
import dev.bgevl.streams.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on the tiny LLaVA-NeXT bundle (models/tiny-bgevl-mllm), the same way as on a CLIP
 * one: images with captions are ingested as candidates into the model's own collection, an image
 * query finds its image first, and text and composed queries with an instruction are answered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MllmEndToEndIT {

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension static final MilvusExtension MILVUS = new MilvusExtension();

  @TempDir static Path stateDir;

  static final List<TestImages.Sample> IMAGES = TestImages.generate(8);
  static final SerdeConfig JSON = SerdeConfig.json();
  static final Duration WAIT = Duration.ofSeconds(180);

  static BgevlService service;
  static RetrievalClient client;
  static MilvusSearcher searcher;

  @BeforeAll
  static void startService() throws Exception {
    Path bundle =
        Path.of(System.getProperty("bgevl.tinyBundle"))
            .toAbsolutePath()
            .getParent()
            .resolve("tiny-bgevl-mllm");
    service =
        BgevlService.start(
            TestServices.config(
                "mllm-e2e",
                KAFKA,
                MILVUS,
                stateDir,
                Topics.DEFAULT,
                dev.bgevl.streams.ops.OpsConfig.DISABLED,
                RecordLimits.DEFAULT,
                bundle));
    assertTrue(service.awaitRunning(WAIT), "both Streams applications reach RUNNING");
    searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());
    Properties props = new Properties();
    props.put("bootstrap.servers", KAFKA.bootstrapServers());
    client =
        new RetrievalClient(
            props,
            Topics.DEFAULT.requests(),
            Topics.DEFAULT.replies(),
            Topics.DEFAULT.replies(),
            BgevlSerde.of(RetrievalRequest.class, JSON),
            BgevlSerde.of(RetrievalReply.class, JSON));
  }

  @AfterAll
  static void stopService() {
    if (client != null) {
      client.close();
    }
    if (service != null) {
      service.close();
    }
  }

  static RetrievalReply ask(RetrievalRequest.Builder request) throws Exception {
    return client.query(
        request.setRequestId(UUID.randomUUID().toString()).build(), Duration.ofSeconds(120));
  }

  @Test
  @Order(1)
  void shouldIndexEveryImageIntoTheModelsOwnCollection() throws Exception {
    assertEquals("media_bge_vl_mllm_tiny_random", service.collection());
    try (KafkaProducer<String, MediaEvent> producer =
        new KafkaProducer<>(
            KAFKA.producerProps(),
            new StringSerializer(),
            BgevlSerde.of(MediaEvent.class, JSON).serializer())) {
      for (TestImages.Sample img : IMAGES) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.DEFAULT.mediaEvents(),
                    img.id(),
                    MediaEvent.newBuilder()
                        .setId(img.id())
                        .setImage(ByteBuffer.wrap(img.png()))
                        .setText(img.caption())
                        .setMetadata(Map.of("colour", img.colour()))
                        .build()))
            .get();
      }
    }
    await("8 rows searchable in Milvus")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> searcher.count(service.collection()) == IMAGES.size());
  }

  @Test
  @Order(2)
  void shouldFindEachImageFirstWithAnImageQuery() throws Exception {
    for (TestImages.Sample img : IMAGES) {
      RetrievalReply reply =
          ask(RetrievalRequest.newBuilder().setImage(ByteBuffer.wrap(img.png())).setTopK(3));
      assertEquals(ReplyStatus.OK, reply.getStatus(), String.valueOf(reply.getError()));
      assertEquals(img.id(), reply.getHits().get(0).getId(), "top-1 of " + img.id());
    }
  }

  @Test
  @Order(3)
  void shouldAnswerComposedAndTextQueriesWithAnInstruction() throws Exception {
    RetrievalReply composed =
        ask(
            RetrievalRequest.newBuilder()
                .setImage(ByteBuffer.wrap(IMAGES.get(0).png()))
                .setText("make it dark, at night")
                .setInstruction(
                    "Retrieve the target image that best meets the combined "
                        + "criteria by using both the provided image and the image retrieval instructions: ")
                .setTopK(5));
    assertEquals(ReplyStatus.OK, composed.getStatus(), String.valueOf(composed.getError()));
    assertEquals(5, composed.getHits().size());
    RetrievalReply text =
        ask(
            RetrievalRequest.newBuilder()
                .setText("a red circle")
                .setInstruction("Find an image that matches the given caption: ")
                .setTopK(4));
    assertEquals(ReplyStatus.OK, text.getStatus(), String.valueOf(text.getError()));
    assertEquals(4, text.getHits().size());
  }
}
