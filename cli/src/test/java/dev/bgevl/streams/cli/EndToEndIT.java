package dev.bgevl.streams.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.deadletter.DeadLetterHeaders;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.embedded.testkit.TestImages;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.milvus.MetadataFilter;
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
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.testkit.TestServices;
import dev.bgevl.streams.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on real parts: an in-process KRaft broker, Milvus Lite, the tiny real model. One
 * service serves every test, but no test depends on another's data or on their order: each writes
 * its own images (seeded, so no image of one test equals one of another's), under its own id prefix
 * and a {@code suite} metadata tag that its searches filter on.
 */
class EndToEndIT {

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension static final MilvusExtension MILVUS = new MilvusExtension();

  @TempDir static Path stateDir;

  static final SerdeConfig JSON = new SerdeConfig(WireFormat.JSON, Optional.empty());
  static final Duration WAIT = Duration.ofSeconds(90);

  static BgevlService service;
  static RetrievalClient client;
  static MilvusSearcher searcher;

  @BeforeAll
  static void startService() throws Exception {
    ServiceConfig config =
        TestServices.config(
            "e2e", KAFKA, MILVUS, stateDir, Topics.DEFAULT, new dev.bgevl.streams.ops.OpsConfig(0));
    service = BgevlService.start(config);
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

  static void produce(List<ProducerRecord<String, MediaEvent>> records) throws Exception {
    try (KafkaProducer<String, MediaEvent> producer =
        new KafkaProducer<>(
            KAFKA.producerProps(),
            new StringSerializer(),
            BgevlSerde.of(MediaEvent.class, JSON).serializer())) {
      for (var r : records) {
        producer.send(r).get();
      }
    }
  }

  /** Indexes {@code images} tagged {@code suite=<suite>} and waits until all are searchable. */
  static void index(String suite, List<TestImages.Sample> images) throws Exception {
    produce(
        images.stream()
            .map(
                img ->
                    new ProducerRecord<>(
                        Topics.DEFAULT.mediaEvents(),
                        img.id(),
                        MediaEvent.newBuilder()
                            .setId(img.id())
                            .setImage(ByteBuffer.wrap(img.png()))
                            .setText(img.caption())
                            .setMetadata(
                                Map.of(
                                    "colour", img.colour(), "shape", img.shape(), "suite", suite))
                            .build()))
            .toList());
    await(images.size() + " rows of " + suite + " searchable")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> rows(suite) == images.size());
  }

  static long rows(String suite) {
    return searcher.count(
        service.collection(), Optional.of(MetadataFilter.parse("suite == \"" + suite + "\"")));
  }

  static RetrievalReply ask(RetrievalRequest.Builder request) throws Exception {
    return client.query(
        request.setRequestId(UUID.randomUUID().toString()).build(), Duration.ofSeconds(60));
  }

  static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldIndexEveryEventAndFindEachImageByItself() throws Exception {
    List<TestImages.Sample> images = TestImages.generate("find", 20, 101);
    index("find", images);
    List<ConsumerRecord<byte[], byte[]>> vectors =
        KAFKA.consumeMatching(
            Topics.DEFAULT.mediaVectors(), images.size(), WAIT, r -> key(r).startsWith("find-"));
    assertEquals(
        images.size(),
        vectors.stream().map(EndToEndIT::key).distinct().count(),
        "one MediaVector per upsert on media-vectors");
    for (TestImages.Sample img : images) {
      RetrievalReply reply =
          ask(
              RetrievalRequest.newBuilder()
                  .setImage(ByteBuffer.wrap(img.png()))
                  .setTopK(3)
                  .setFilter("suite == \"find\""));
      assertEquals(ReplyStatus.OK, reply.getStatus(), String.valueOf(reply.getError()));
      assertEquals(img.id(), reply.getHits().get(0).getId(), "top-1 of " + img.id());
      assertTrue(
          reply.getHits().get(0).getScore() > 0.99,
          "score of itself " + reply.getHits().get(0).getScore());
      assertEquals(img.caption(), reply.getHits().get(0).getText());
      assertEquals(img.colour(), reply.getHits().get(0).getMetadata().get("colour"));
    }
  }

  @Test
  void shouldAnswerTextAndComposedQueriesWithKHits() throws Exception {
    List<TestImages.Sample> images = TestImages.generate("knn", 20, 202);
    index("knn", images);
    RetrievalReply text =
        ask(
            RetrievalRequest.newBuilder()
                .setText("a red circle")
                .setTopK(5)
                .setFilter("suite == \"knn\""));
    assertEquals(ReplyStatus.OK, text.getStatus(), String.valueOf(text.getError()));
    assertEquals(5, text.getHits().size());
    RetrievalReply composed =
        ask(
            RetrievalRequest.newBuilder()
                .setImage(ByteBuffer.wrap(images.get(0).png()))
                .setText("make it dark, at night")
                .setTopK(7)
                .setFilter("suite == \"knn\""));
    assertEquals(ReplyStatus.OK, composed.getStatus(), String.valueOf(composed.getError()));
    assertEquals(7, composed.getHits().size());
    RetrievalReply filtered =
        ask(
            RetrievalRequest.newBuilder()
                .setImage(ByteBuffer.wrap(images.get(0).png()))
                .setTopK(20)
                .setFilter("colour == \"blue\" and suite == \"knn\""));
    assertEquals(ReplyStatus.OK, filtered.getStatus(), String.valueOf(filtered.getError()));
    assertEquals(4, filtered.getHits().size(), "4 of 20 images are blue");
    filtered.getHits().forEach(h -> assertEquals("blue", h.getMetadata().get("colour")));
  }

  @Test
  void shouldReplyInvalidRequestForBadInput() throws Exception {
    RetrievalReply badTopK = ask(RetrievalRequest.newBuilder().setText("x").setTopK(0));
    assertEquals(ReplyStatus.INVALID_REQUEST, badTopK.getStatus());
    RetrievalReply badFilter =
        ask(RetrievalRequest.newBuilder().setText("x").setFilter("colour = "));
    assertEquals(ReplyStatus.INVALID_REQUEST, badFilter.getStatus());
    assertTrue(badFilter.getError().contains("filter"), badFilter.getError());
    RetrievalReply nothing = ask(RetrievalRequest.newBuilder());
    assertEquals(ReplyStatus.INVALID_REQUEST, nothing.getStatus());
    RetrievalReply badImage =
        ask(RetrievalRequest.newBuilder().setImage(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    assertEquals(ReplyStatus.INVALID_REQUEST, badImage.getStatus());
  }

  @Test
  void shouldDeadLetterBadEventsAndKeepGoing() throws Exception {
    List<TestImages.Sample> images = TestImages.generate("dlq", 2, 303);
    produce(
        List.of(
            new ProducerRecord<>(
                Topics.DEFAULT.mediaEvents(),
                "dlq-broken-image",
                MediaEvent.newBuilder()
                    .setId("dlq-broken-image")
                    .setImage(ByteBuffer.wrap("not a png".getBytes(StandardCharsets.UTF_8)))
                    .build()),
            new ProducerRecord<>(
                Topics.DEFAULT.mediaEvents(),
                "dlq-no-content",
                MediaEvent.newBuilder().setId("dlq-no-content").build()),
            new ProducerRecord<>(
                Topics.DEFAULT.mediaEvents(),
                "dlq-text-without-text",
                MediaEvent.newBuilder()
                    .setId("dlq-text-without-text")
                    .setImage(ByteBuffer.wrap(images.get(1).png()))
                    .setEmbed(EmbedMode.TEXT)
                    .build())));
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            KAFKA.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
      raw.send(
              new ProducerRecord<>(
                  Topics.DEFAULT.mediaEvents(), "dlq-garbage", new byte[] {42, 1, 2, 3}))
          .get();
    }
    // the stream goes on: a good event behind the bad ones is indexed
    index("dlq", images.subList(0, 1));
    List<ConsumerRecord<byte[], byte[]>> dead =
        KAFKA.consumeMatching(
            Topics.DEFAULT.mediaDeadLetters(), 4, WAIT, r -> key(r).startsWith("dlq-"));
    Map<String, String> reasons = new HashMap<>();
    for (var r : dead) {
      reasons.put(key(r), DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON));
      assertEquals(
          Topics.DEFAULT.mediaEvents(),
          DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.TOPIC));
    }
    assertEquals(
        Map.of(
            "dlq-broken-image", DeadLetterReason.IMAGE_UNDECODABLE.name(),
            "dlq-no-content", DeadLetterReason.NO_CONTENT.name(),
            "dlq-text-without-text", DeadLetterReason.UNSUPPORTED_EMBED_MODE.name(),
            "dlq-garbage", DeadLetterReason.UNDECODABLE_RECORD.name()),
        reasons);
    var garbage = dead.stream().filter(r -> key(r).equals("dlq-garbage")).findFirst().orElseThrow();
    assertArrayEquals(
        new byte[] {42, 1, 2, 3}, garbage.value(), "the dead letter keeps the original bytes");
    assertEquals(1, rows("dlq"), "bad events index nothing");
  }

  @Test
  void shouldExposeMetricsAndReadiness() throws Exception {
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            KAFKA.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
      raw.send(
              new ProducerRecord<>(
                  Topics.DEFAULT.mediaEvents(), "metrics-garbage", new byte[] {7, 7, 7}))
          .get();
    }
    KAFKA.consumeMatching(
        Topics.DEFAULT.mediaDeadLetters(), 1, WAIT, r -> key(r).equals("metrics-garbage"));
    RetrievalReply reply = ask(RetrievalRequest.newBuilder().setText("a metric").setTopK(1));
    assertEquals(ReplyStatus.OK, reply.getStatus(), String.valueOf(reply.getError()));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + service.opsPort();
    // readiness blinks while a group rebalances; a stuck service stays DOWN past the wait
    await("the service is ready")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              var ready =
                  http.send(
                      HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                      HttpResponse.BodyHandlers.ofString());
              assertEquals(200, ready.statusCode(), ready.body());
            });
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertTrue(
        metrics.matches("(?s).*bgevl_dead_letters_total\\{reason=\"UNDECODABLE_RECORD\"} [1-9].*"),
        metrics);
    assertTrue(
        metrics.matches("(?s).*bgevl_query_replies_total\\{status=\"OK\"} [1-9].*"), metrics);
    assertTrue(metrics.contains("bgevl_streams_"), "Kafka Streams' own metrics are exported too");
  }

  @Test
  void shouldProduceAndQueryThroughTheCli(@TempDir Path folder) throws Exception {
    TestImages.Sample sample = TestImages.generate("cli", 1, 404).get(0);
    Files.write(folder.resolve("cli-shot.png"), sample.png());
    Files.writeString(folder.resolve("drawing.svg"), "<svg/>");
    Files.createDirectory(folder.resolve("nested"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int produced =
        BgevlCommand.execute(
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err),
            "produce",
            "--kafka.bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--caption",
            "from the cli",
            "--metadata",
            "source=cli",
            "--metadata",
            "suite=cli",
            folder.toString());
    assertEquals(0, produced, err.toString());
    assertTrue(out.toString().contains("Sent 1, failed 0, skipped 2"), out.toString());
    assertTrue(
        err.toString()
            .contains("SKIPPED " + folder.resolve("drawing.svg") + ": not an image file name"),
        err.toString());
    assertTrue(
        err.toString().contains("SKIPPED " + folder.resolve("nested") + ": a folder"),
        err.toString());
    await("CLI-produced image searchable")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> rows("cli") == 1);
    out.getBuffer().setLength(0);
    int queried =
        BgevlCommand.execute(
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err),
            "query",
            "--kafka.bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--image",
            folder.resolve("cli-shot.png").toString(),
            "--top-k",
            "3",
            // the class's other suites hold near-copies of this image: their order is not ours
            "--filter",
            "suite == \"cli\"");
    assertEquals(0, queried, err.toString());
    String[] lines = out.toString().split("\\R");
    assertTrue(lines[0].startsWith("rank"), out.toString());
    assertTrue(
        lines[1].matches("1\\s+cli-shot\\s+.*from the cli.*source=cli.*"),
        "first hit is the produced image: " + out);
    assertTrue(lines[2].startsWith("1 hit, model "), "the filter kept the suite's one row: " + out);
  }

  @Test
  void shouldIndexAndFindAnEightMegabytePhotoThroughTheCli(@TempDir Path folder) throws Exception {
    byte[] photo = TestImages.photoLikePng(8_400_000, 505);
    assertTrue(photo.length > 7_500_000, "a phone-photo-sized file: " + photo.length + " bytes");
    Files.write(folder.resolve("big-photo.png"), photo);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int produced =
        BgevlCommand.execute(
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err),
            "produce",
            "--kafka.bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--metadata",
            "suite=big",
            folder.toString());
    assertEquals(0, produced, out + "\n" + err);
    await("8 MB photo searchable")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> rows("big") == 1);
    out.getBuffer().setLength(0);
    int queried =
        BgevlCommand.execute(
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err),
            "query",
            "--kafka.bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--image",
            folder.resolve("big-photo.png").toString(),
            "--top-k",
            "1");
    assertEquals(0, queried, err.toString());
    assertTrue(
        out.toString().split("\\R")[1].matches("1\\s+big-photo\\s+.*"),
        "found top-1 by itself: " + out);
  }

  @Test
  void shouldFailProduceOfAFileOverTheRecordLimitAndSendTheRest(@TempDir Path folder)
      throws Exception {
    Files.write(folder.resolve("small.png"), TestImages.generate("limit", 1, 606).get(0).png());
    Files.write(folder.resolve("huge.png"), TestImages.photoLikePng(1_200_000, 607));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int produced =
        BgevlCommand.execute(
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err),
            "produce",
            "--kafka.bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--kafka.max-record-bytes",
            "1048576",
            "--metadata",
            "suite=limit",
            folder.toString());
    assertEquals(1, produced, "a failed file fails the command");
    assertTrue(
        err.toString().contains("FAILED  " + folder.resolve("huge.png") + ": record is"),
        err.toString());
    assertTrue(err.toString().contains("--kafka.max-record-bytes"), err.toString());
    assertTrue(out.toString().contains("Sent 1, failed 1, skipped 0"), out.toString());
    await("the file under the limit is indexed")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> rows("limit") == 1);
  }

  @Test
  void shouldRemoveDeletedItemsFromResults() throws Exception {
    List<TestImages.Sample> images = TestImages.generate("del", 3, 707);
    index("del", images);
    TestImages.Sample victim = images.get(1);
    produce(
        List.of(
            new ProducerRecord<>(
                Topics.DEFAULT.mediaEvents(),
                victim.id(),
                MediaEvent.newBuilder().setId(victim.id()).setOp(MediaOp.DELETE).build())));
    await("deleted row gone")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> rows("del") == 2);
    RetrievalReply reply =
        ask(
            RetrievalRequest.newBuilder()
                .setImage(ByteBuffer.wrap(victim.png()))
                .setTopK(20)
                .setFilter("suite == \"del\""));
    assertEquals(ReplyStatus.OK, reply.getStatus());
    reply.getHits().forEach(h -> assertNotEquals(victim.id(), h.getId()));
    assertEquals(2, reply.getHits().size(), "the two images left");
    Set<String> tombstones = new HashSet<>();
    for (var r :
        KAFKA.consumeMatching(
            Topics.DEFAULT.mediaVectors(), 4, WAIT, r -> key(r).startsWith("del-"))) {
      if (r.value() == null) {
        tombstones.add(key(r));
      }
    }
    assertEquals(Set.of(victim.id()), tombstones, "a DELETE writes a tombstone to media-vectors");
  }
}
