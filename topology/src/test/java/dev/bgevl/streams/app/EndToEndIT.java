package dev.bgevl.streams.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.deadletter.DeadLetterHeaders;
import dev.bgevl.streams.deadletter.DeadLetterReason;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.schemas.media.EmbedMode;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaOp;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.schemas.serde.WireFormat;
import dev.bgevl.streams.testkit.KafkaTestCluster;
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.testkit.TestImages;
import dev.bgevl.streams.testkit.TestServices;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * The whole path on real parts: an in-process KRaft broker, Milvus Lite, the tiny real model.
 * Produce 20 generated images with captions, wait until they are searchable, query by image, text
 * and both, delete one; bad input lands on the dead-letter topic with its reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

  @RegisterExtension
  static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension
  static final MilvusExtension MILVUS = new MilvusExtension();

  @TempDir
  static Path stateDir;

  static final List<TestImages.Sample> IMAGES = TestImages.generate(20);
  static final SerdeConfig JSON = new SerdeConfig(WireFormat.JSON, Optional.empty());
  static final Duration WAIT = Duration.ofSeconds(90);

  static BgevlService service;
  static RetrievalClient client;
  static MilvusSearcher searcher;

  @BeforeAll
  static void startService() throws Exception {
    ServiceConfig config = TestServices.config("e2e", KAFKA, MILVUS, stateDir, Topics.DEFAULT,
        new dev.bgevl.streams.ops.OpsConfig(0));
    service = BgevlService.start(config);
    assertTrue(service.awaitRunning(WAIT), "both Streams applications reach RUNNING");
    searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());
    Properties props = new Properties();
    props.put("bootstrap.servers", KAFKA.bootstrapServers());
    client = new RetrievalClient(props, Topics.DEFAULT.requests(), Topics.DEFAULT.replies(), Topics.DEFAULT.replies(),
        BgevlSerde.of(RetrievalRequest.class, JSON), BgevlSerde.of(RetrievalReply.class, JSON));
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

  static void produce(List<ProducerRecord<String, MediaEvent>> records) throws Exception {
    try (KafkaProducer<String, MediaEvent> producer = new KafkaProducer<>(KAFKA.producerProps(), new StringSerializer(),
        BgevlSerde.of(MediaEvent.class, JSON).serializer())) {
      for (var r : records) {
        producer.send(r).get();
      }
    }
  }

  static RetrievalReply ask(RetrievalRequest.Builder request) throws Exception {
    return client.query(request.setRequestId(java.util.UUID.randomUUID().toString()).build(), Duration.ofSeconds(60));
  }

  @Test
  @Order(1)
  void shouldIndexEveryProducedImage() throws Exception {
    produce(IMAGES.stream()
        .map(img -> new ProducerRecord<>(Topics.DEFAULT.mediaEvents(), img.id(), MediaEvent.newBuilder()
            .setId(img.id())
            .setImage(ByteBuffer.wrap(img.png()))
            .setText(img.caption())
            .setMetadata(Map.of("colour", img.colour(), "shape", img.shape()))
            .build()))
        .toList());
    await("20 rows searchable in Milvus").atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .until(() -> searcher.count(service.collection()) == IMAGES.size());
    List<ConsumerRecord<byte[], byte[]>> vectors = KAFKA.consumeUntil(Topics.DEFAULT.mediaVectors(), IMAGES.size(), WAIT);
    assertEquals(IMAGES.size(), vectors.size(), "one MediaVector per upsert on media-vectors");
  }

  @Test
  @Order(2)
  void shouldFindEachImageByItself() throws Exception {
    for (TestImages.Sample img : IMAGES) {
      RetrievalReply reply = ask(RetrievalRequest.newBuilder().setImage(ByteBuffer.wrap(img.png())).setTopK(3));
      assertEquals(ReplyStatus.OK, reply.getStatus(), String.valueOf(reply.getError()));
      assertEquals(img.id(), reply.getHits().get(0).getId(), "top-1 of " + img.id());
      assertTrue(reply.getHits().get(0).getScore() > 0.99, "score of itself " + reply.getHits().get(0).getScore());
      assertEquals(img.caption(), reply.getHits().get(0).getText());
      assertEquals(img.colour(), reply.getHits().get(0).getMetadata().get("colour"));
    }
  }

  @Test
  @Order(3)
  void shouldAnswerTextAndComposedQueriesWithKHits() throws Exception {
    RetrievalReply text = ask(RetrievalRequest.newBuilder().setText("a red circle").setTopK(5));
    assertEquals(ReplyStatus.OK, text.getStatus(), String.valueOf(text.getError()));
    assertEquals(5, text.getHits().size());
    RetrievalReply composed = ask(RetrievalRequest.newBuilder()
        .setImage(ByteBuffer.wrap(IMAGES.get(0).png())).setText("make it dark, at night").setTopK(7));
    assertEquals(ReplyStatus.OK, composed.getStatus(), String.valueOf(composed.getError()));
    assertEquals(7, composed.getHits().size());
    RetrievalReply filtered = ask(RetrievalRequest.newBuilder()
        .setImage(ByteBuffer.wrap(IMAGES.get(0).png())).setTopK(20).setFilter("colour == \"blue\""));
    assertEquals(ReplyStatus.OK, filtered.getStatus(), String.valueOf(filtered.getError()));
    assertEquals(4, filtered.getHits().size(), "4 of 20 images are blue");
    filtered.getHits().forEach(h -> assertEquals("blue", h.getMetadata().get("colour")));
  }

  @Test
  @Order(4)
  void shouldReplyInvalidRequestForBadInput() throws Exception {
    RetrievalReply badTopK = ask(RetrievalRequest.newBuilder().setText("x").setTopK(0));
    assertEquals(ReplyStatus.INVALID_REQUEST, badTopK.getStatus());
    RetrievalReply badFilter = ask(RetrievalRequest.newBuilder().setText("x").setFilter("colour = "));
    assertEquals(ReplyStatus.INVALID_REQUEST, badFilter.getStatus());
    assertTrue(badFilter.getError().contains("filter"), badFilter.getError());
    RetrievalReply nothing = ask(RetrievalRequest.newBuilder());
    assertEquals(ReplyStatus.INVALID_REQUEST, nothing.getStatus());
    RetrievalReply badImage = ask(RetrievalRequest.newBuilder().setImage(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    assertEquals(ReplyStatus.INVALID_REQUEST, badImage.getStatus());
  }

  @Test
  @Order(5)
  void shouldDeadLetterBadEventsAndKeepGoing() throws Exception {
    produce(List.of(
        new ProducerRecord<>(Topics.DEFAULT.mediaEvents(), "broken-image", MediaEvent.newBuilder()
            .setId("broken-image").setImage(ByteBuffer.wrap("not a png".getBytes(StandardCharsets.UTF_8))).build()),
        new ProducerRecord<>(Topics.DEFAULT.mediaEvents(), "no-content", MediaEvent.newBuilder()
            .setId("no-content").build()),
        new ProducerRecord<>(Topics.DEFAULT.mediaEvents(), "text-without-text", MediaEvent.newBuilder()
            .setId("text-without-text").setImage(ByteBuffer.wrap(IMAGES.get(1).png())).setEmbed(EmbedMode.TEXT).build())));
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(KAFKA.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.DEFAULT.mediaEvents(), "garbage", new byte[] {42, 1, 2, 3})).get();
    }
    List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consumeUntil(Topics.DEFAULT.mediaDeadLetters(), 4, WAIT);
    Map<String, String> reasons = new java.util.HashMap<>();
    for (var r : dead) {
      reasons.put(new String(r.key(), StandardCharsets.UTF_8), DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON));
      assertEquals(Topics.DEFAULT.mediaEvents(), DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.TOPIC));
    }
    assertEquals(Map.of(
        "broken-image", DeadLetterReason.IMAGE_UNDECODABLE.name(),
        "no-content", DeadLetterReason.NO_CONTENT.name(),
        "text-without-text", DeadLetterReason.UNSUPPORTED_EMBED_MODE.name(),
        "garbage", DeadLetterReason.UNDECODABLE_RECORD.name()), reasons);
    var garbage = dead.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("garbage")).findFirst().orElseThrow();
    assertEquals(List.of((byte) 42, (byte) 1, (byte) 2, (byte) 3),
        List.of(garbage.value()[0], garbage.value()[1], garbage.value()[2], garbage.value()[3]),
        "the dead letter keeps the original bytes");
    assertEquals(IMAGES.size(), searcher.count(service.collection()), "bad events index nothing");
  }

  @Test
  @Order(6)
  void shouldExposeMetricsAndReadiness() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + service.opsPort();
    var ready = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health/ready")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode(), ready.body());
    String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("bgevl_dead_letters_total{reason=\"IMAGE_UNDECODABLE\"} 1"), metrics);
    assertTrue(metrics.contains("bgevl_dead_letters_total{reason=\"UNDECODABLE_RECORD\"} 1"), metrics);
    assertTrue(metrics.matches("(?s).*bgevl_ingest_vectors_out_total (2[0-9]|[3-9][0-9]).*"), "20+ vectors out");
    assertTrue(metrics.contains("bgevl_query_replies_total{status=\"OK\"}"), metrics);
  }

  @Test
  @Order(7)
  void shouldProduceAndQueryThroughTheCli(@TempDir Path folder) throws Exception {
    TestImages.Sample sample = TestImages.generate(20).get(7);
    java.nio.file.Files.write(folder.resolve("cli-shot.png"), sample.png());
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int produced = dev.bgevl.streams.cli.BgevlCommand.execute(Map.of(), new java.io.PrintWriter(out),
        new java.io.PrintWriter(err), "produce", "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
        "--caption", "from the cli", "--metadata", "source=cli", folder.toString());
    assertEquals(0, produced, err.toString());
    await("CLI-produced image searchable").atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .until(() -> searcher.count(service.collection()) == IMAGES.size() + 1);
    out.getBuffer().setLength(0);
    int queried = dev.bgevl.streams.cli.BgevlCommand.execute(Map.of(), new java.io.PrintWriter(out),
        new java.io.PrintWriter(err), "query", "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
        "--image", folder.resolve("cli-shot.png").toString(), "--top-k", "3");
    assertEquals(0, queried, err.toString());
    String[] lines = out.toString().split("\\R");
    assertTrue(lines[0].startsWith("rank"), out.toString());
    // the CLI's image is sample 7 again, so it ties with img-7 at score 1: either may rank first (HNSW on Milvus picks one)
    assertTrue(lines[1].matches("1\\s+(cli-shot|" + IMAGES.get(7).id() + ")\\s+1\\.0000\\s.*"), "top hit scores 1: " + out);
    assertTrue(java.util.Arrays.stream(lines, 1, 3)
        .anyMatch(l -> l.matches("[12]\\s+cli-shot\\s+1\\.0000\\s+from the cli.*source=cli.*")), "the produced image is a top hit: " + out);
  }

  @Test
  @Order(8)
  void shouldRemoveDeletedItemsFromResults() throws Exception {
    TestImages.Sample victim = IMAGES.get(3);
    produce(List.of(new ProducerRecord<>(Topics.DEFAULT.mediaEvents(), victim.id(),
        MediaEvent.newBuilder().setId(victim.id()).setOp(MediaOp.DELETE).build())));
    await("deleted row gone").atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .until(() -> searcher.count(service.collection()) == IMAGES.size());
    RetrievalReply reply = ask(RetrievalRequest.newBuilder().setImage(ByteBuffer.wrap(victim.png())).setTopK(20));
    assertEquals(ReplyStatus.OK, reply.getStatus());
    reply.getHits().forEach(h -> assertNotEquals(victim.id(), h.getId()));
    assertEquals(IMAGES.size(), reply.getHits().size(), "19 test images and the CLI one");
    Set<String> tombstones = new java.util.HashSet<>();
    for (var r : KAFKA.consumeUntil(Topics.DEFAULT.mediaVectors(), IMAGES.size() + 2, WAIT)) {
      if (r.value() == null) {
        tombstones.add(new String(r.key(), StandardCharsets.UTF_8));
      }
    }
    assertEquals(Set.of(victim.id()), tombstones, "a DELETE writes a tombstone to media-vectors");
  }
}
