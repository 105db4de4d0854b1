package dev.bgevl.streams.query;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.deadletter.DeadLetterHeaders;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.embedded.testkit.TestImages;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.testkit.TestServices;
import dev.bgevl.streams.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Request/reply on real parts: every reply status, 100 requests in flight from concurrent clients,
 * replies on an allowed custom topic, undecodable requests dead-lettered, and Milvus down answered
 * with UNAVAILABLE within the request's deadline. Every request sent to the default reply topic
 * gets exactly one reply there.
 */
class RetrievalIT {

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension static final MilvusExtension MILVUS = new MilvusExtension();

  @TempDir static Path stateDir;

  static final String CUSTOM_REPLIES = "client-replies-a";
  static final Topics TOPICS =
      new Topics(
          "media-events",
          "media-vectors",
          "media-thumbnails",
          "media-events-dlq",
          "retrieval-requests",
          "retrieval-replies",
          "retrieval-requests-dlq",
          Set.of("client-replies-*"));
  static final List<TestImages.Sample> IMAGES = TestImages.generate(20);
  static final SerdeConfig JSON = SerdeConfig.json();
  static final Duration WAIT = Duration.ofSeconds(90);

  static BgevlService service;
  static RetrievalClient client;

  @BeforeAll
  static void start() throws Exception {
    KAFKA.createTopics(CUSTOM_REPLIES);
    ServiceConfig config = TestServices.config("retrieval", KAFKA, MILVUS, stateDir, TOPICS);
    service = BgevlService.start(config);
    assertTrue(service.awaitRunning(WAIT));
    try (KafkaProducer<String, MediaEvent> producer =
        new KafkaProducer<>(
            KAFKA.producerProps(),
            new StringSerializer(),
            BgevlSerde.of(MediaEvent.class, JSON).serializer())) {
      for (TestImages.Sample img : IMAGES) {
        producer
            .send(
                new ProducerRecord<>(
                    TOPICS.mediaEvents(),
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
    MilvusSearcher searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());
    await("indexed")
        .atMost(WAIT)
        .until(() -> searcher.count(service.collection()) == IMAGES.size());
    client = newClient(TOPICS.replies());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (service != null) {
      service.close();
    }
  }

  static RetrievalClient newClient(String replyTopic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", KAFKA.bootstrapServers());
    return new RetrievalClient(
        props,
        TOPICS.requests(),
        replyTopic,
        TOPICS.replies(),
        BgevlSerde.of(RetrievalRequest.class, JSON),
        BgevlSerde.of(RetrievalReply.class, JSON));
  }

  static RetrievalRequest.Builder request() {
    return RetrievalRequest.newBuilder().setRequestId(UUID.randomUUID().toString());
  }

  static RetrievalReply ask(RetrievalRequest.Builder request) throws Exception {
    return client.query(request.build(), Duration.ofSeconds(30));
  }

  static void assertStatus(ReplyStatus expected, RetrievalReply reply, String errorFragment) {
    assertEquals(expected, reply.getStatus(), "error: " + reply.getError());
    if (errorFragment != null) {
      assertTrue(reply.getError().contains(errorFragment), reply.getError());
    }
  }

  @Test
  void shouldAnswerOkWithHitsAndFieldsFromMilvus() throws Exception {
    RetrievalReply reply =
        ask(request().setText("a red circle").setTopK(4).setFilter("colour == \"red\""));
    assertStatus(ReplyStatus.OK, reply, null);
    assertEquals(4, reply.getHits().size());
    reply.getHits().forEach(h -> assertEquals("red", h.getMetadata().get("colour")));
    assertEquals("bge-vl-tiny-random", reply.getModel());
  }

  @Test
  void shouldAnswerInvalidRequestNamingWhatIsWrong() throws Exception {
    assertStatus(ReplyStatus.INVALID_REQUEST, ask(request().setText("x").setTopK(1001)), "top_k");
    assertStatus(ReplyStatus.INVALID_REQUEST, ask(request().setText("x").setTopK(0)), "top_k");
    assertStatus(
        ReplyStatus.INVALID_REQUEST, ask(request().setText("x").setFilter("colour == ")), "filter");
    assertStatus(
        ReplyStatus.INVALID_REQUEST,
        ask(request().setText("x").setFilter("text == \"a\"")),
        "filter");
    assertStatus(
        ReplyStatus.INVALID_REQUEST,
        ask(request().setText("x").setModel("bge-vl-large")),
        "unknown model");
    assertStatus(ReplyStatus.INVALID_REQUEST, ask(request()), "neither text nor image");
    assertStatus(
        ReplyStatus.INVALID_REQUEST,
        ask(request().setImage(ByteBuffer.wrap(new byte[] {9, 9, 9}))),
        null);
    assertStatus(
        ReplyStatus.INVALID_REQUEST,
        ask(request().setText("x").setReplyTo("someone-elses-topic")),
        "reply_to");
    assertStatus(
        ReplyStatus.INVALID_REQUEST,
        ask(request().setImageUri("file:///etc/passwd")),
        "images.file-root");
  }

  @Test
  void shouldAnswerDeadlineExceededWithoutEncoding() throws Exception {
    RetrievalReply reply =
        ask(request().setText("late").setDeadline(Instant.now().minusSeconds(1)));
    assertStatus(ReplyStatus.DEADLINE_EXCEEDED, reply, "deadline");
    assertEquals(0, reply.getHits().size());
  }

  @Test
  void shouldGiveEachOfHundredConcurrentRequestsItsOwnReply() throws Exception {
    List<RetrievalClient> clients =
        List.of(
            newClient(TOPICS.replies()),
            newClient(TOPICS.replies()),
            newClient(TOPICS.replies()),
            newClient(TOPICS.replies()));
    try {
      List<CompletableFuture<RetrievalReply>> futures = new ArrayList<>();
      List<String> expectedTop = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        TestImages.Sample img = IMAGES.get(i % IMAGES.size());
        RetrievalRequest r = request().setImage(ByteBuffer.wrap(img.png())).setTopK(1).build();
        futures.add(clients.get(i % clients.size()).send(r));
        expectedTop.add(img.id());
        ids.add(r.getRequestId());
      }
      for (int i = 0; i < futures.size(); i++) {
        RetrievalReply reply = futures.get(i).get(60, TimeUnit.SECONDS);
        assertEquals(ids.get(i), reply.getRequestId(), "reply matched to its request");
        assertStatus(ReplyStatus.OK, reply, null);
        assertEquals(expectedTop.get(i), reply.getHits().get(0).getId(), "request " + i);
      }
    } finally {
      clients.forEach(RetrievalClient::close);
    }
  }

  @Test
  void shouldReplyOnAnAllowedCustomTopic() throws Exception {
    try (RetrievalClient custom = newClient(CUSTOM_REPLIES)) {
      RetrievalReply reply =
          custom.query(
              request().setText("a blue square").setTopK(2).build(), Duration.ofSeconds(30));
      assertStatus(ReplyStatus.OK, reply, null);
      assertEquals(2, reply.getHits().size());
    }
    var onCustom = KAFKA.consumeMatching(CUSTOM_REPLIES, 1, WAIT, r -> r.key() != null);
    assertEquals(1, onCustom.size(), "the reply went to the custom topic");
  }

  @Test
  void shouldDeadLetterRequestsThatDoNotDecode() throws Exception {
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            KAFKA.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
      raw.send(
              new ProducerRecord<>(
                  TOPICS.requests(),
                  "garbled",
                  "{\"request_id\": ".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    var dead =
        KAFKA.consumeMatching(
            TOPICS.requestDeadLetters(),
            1,
            WAIT,
            r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals("garbled"));
    assertEquals(
        DeadLetterReason.UNDECODABLE_RECORD.name(),
        DeadLetterHeaders.read(dead.get(0).headers(), DeadLetterHeaders.REASON));
  }

  @Test
  void shouldAnswerUnavailableWithinTheDeadlineWhileMilvusIsDown() throws Exception {
    MILVUS.server().stop();
    try {
      Instant sent = Instant.now();
      RetrievalReply reply =
          ask(request().setText("anyone there?").setDeadline(sent.plusSeconds(4)));
      Duration took = Duration.between(sent, Instant.now());
      assertStatus(ReplyStatus.UNAVAILABLE, reply, null);
      assertTrue(
          took.compareTo(Duration.ofSeconds(5)) < 0,
          "UNAVAILABLE after " + took.toMillis() + " ms");
    } finally {
      MILVUS.server().restart();
    }
    // Milvus Lite comes back with the collection released: the searcher loads it again by itself
    assertStatus(ReplyStatus.OK, ask(request().setText("back again").setTopK(1)), null);
  }

  @Test
  void shouldSendExactlyOneReplyPerRequest() throws Exception {
    String prefix = "once-" + UUID.randomUUID() + "-";
    List<CompletableFuture<RetrievalReply>> futures = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // OK, refused and expired requests alike: each gets one reply, never two
      RetrievalRequest.Builder r =
          RetrievalRequest.newBuilder().setRequestId(prefix + i).setText("once " + i);
      if (i % 3 == 1) {
        r.setTopK(0);
      } else if (i % 3 == 2) {
        r.setDeadline(Instant.now().minusSeconds(1));
      }
      futures.add(client.send(r.build()));
    }
    for (CompletableFuture<RetrievalReply> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    var replies =
        KAFKA.consumeMatching(
            TOPICS.replies(),
            30,
            WAIT,
            r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix));
    Set<String> keys = new HashSet<>();
    replies.forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
    assertEquals(
        30, keys.size(), "every request answered, none twice: " + replies.size() + " replies");
  }
}
