package dev.bgevl.streams.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.deadletter.DeadLetterHeaders;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.embedded.testkit.TestImages;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.ops.OpsConfig;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.testkit.TestServices;
import dev.bgevl.streams.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No record, whatever its size or compression, stops a partition of either application. The service
 * runs with the smallest record limit (1 MiB) on a broker with Kafka's default limits, so the cases
 * are small enough to run often: records just under, at and just over the limit, uncompressed, and
 * a 20 MiB record compressed to a few KB (which the broker accepts and the consumer inflates). Each
 * case is followed on the same partition by a record that must be processed, and each refused one
 * leaves a dead letter that says why.
 */
class PoisonRecordIT {

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension static final MilvusExtension MILVUS = new MilvusExtension();

  @TempDir static Path stateDir;

  static final RecordLimits LIMITS = new RecordLimits(RecordLimits.MIN_MAX_RECORD_BYTES);
  static final int LIMIT = LIMITS.maxRecordBytes();
  static final Duration WAIT = Duration.ofSeconds(90);
  static final BgevlSerde<RetrievalReply> REPLIES =
      BgevlSerde.of(RetrievalReply.class, SerdeConfig.json());

  static BgevlService service;
  static MilvusSearcher searcher;

  @BeforeAll
  static void startService() throws Exception {
    service =
        BgevlService.start(
            TestServices.config(
                "poison", KAFKA, MILVUS, stateDir, Topics.DEFAULT, new OpsConfig(0), LIMITS));
    assertTrue(service.awaitRunning(WAIT), "both Streams applications reach RUNNING");
    searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.close();
    }
  }

  /**
   * Sends raw records to partition 0 of {@code topic}, all through one producer with {@code
   * compression}.
   */
  static void send(String topic, String compression, List<Raw> records) throws Exception {
    Properties props = KAFKA.producerProps();
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 << 20);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Raw r : records) {
        producer.send(new ProducerRecord<>(topic, 0, r.key(), r.value())).get();
      }
    }
  }

  /** A record as sent: raw key and value. */
  record Raw(byte[] key, byte[] value) {}

  static Raw record(String key, byte[] value) {
    return new Raw(key.getBytes(StandardCharsets.UTF_8), value);
  }

  /** Bytes that are no event and no request, sized so key + value is exactly {@code total}. */
  static byte[] garbage(String key, int total) {
    byte[] value = new byte[total - key.getBytes(StandardCharsets.UTF_8).length];
    Arrays.fill(value, (byte) '#');
    return value;
  }

  /** A JSON media event whose caption pads key + value to exactly {@code total} bytes. */
  static byte[] eventOfSize(String key, String imageBase64, int total) {
    String head = "{\"id\":\"" + key + "\",\"image\":\"" + imageBase64 + "\",\"text\":\"";
    String tail = "\"}";
    int pad = total - key.length() - head.length() - tail.length();
    return (head + "a".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON retrieval request whose text pads key + value to exactly {@code total} bytes. */
  static byte[] requestOfSize(String id, int total) {
    String head = "{\"request_id\":\"" + id + "\",\"top_k\":1,\"text\":\"a red circle ";
    String tail = "\"}";
    int pad = total - id.length() - head.length() - tail.length();
    return (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
  }

  static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void shouldKeepIngestingPastRecordsUnderAtAndOverTheLimitCompressedOrNot() throws Exception {
    String image =
        Base64.getEncoder().encodeToString(TestImages.generate("poison", 1, 11).get(0).png());
    byte[] under = eventOfSize("ing-under", image, LIMIT - 1);
    byte[] at = garbage("ing-at", LIMIT);
    byte[] over = garbage("ing-over", LIMIT + 1);
    byte[] huge = garbage("ing-huge", 20 << 20);
    send(
        Topics.DEFAULT.mediaEvents(),
        "none",
        List.of(record("ing-under", under), record("ing-at", at), record("ing-over", over)));
    send(Topics.DEFAULT.mediaEvents(), "zstd", List.of(record("ing-huge", huge)));
    String after =
        "{\"id\":\"ing-after\",\"image\":\"" + image + "\",\"text\":\"behind the poison\"}";
    send(
        Topics.DEFAULT.mediaEvents(),
        "none",
        List.of(record("ing-after", after.getBytes(StandardCharsets.UTF_8))));

    await("the events under the limit and after the poison are indexed")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> searcher.count(service.collection()) == 2);
    List<ConsumerRecord<byte[], byte[]>> dead =
        KAFKA.consumeMatching(
            Topics.DEFAULT.mediaDeadLetters(), 3, WAIT, r -> key(r).startsWith("ing-"));
    ConsumerRecord<byte[], byte[]> atLimit = byKey(dead, "ing-at");
    assertEquals(DeadLetterReason.UNDECODABLE_RECORD.name(), reason(atLimit));
    assertArrayEquals(at, atLimit.value(), "a record at the limit is dead-lettered whole");
    assertReference(byKey(dead, "ing-over"), over, LIMIT + 1);
    assertReference(byKey(dead, "ing-huge"), huge, 20 << 20);
    assertNoThreadDiedAndReady();
  }

  @Test
  void shouldAnswerEveryRequestUnderAtAndOverTheLimitCompressedOrNot() throws Exception {
    byte[] under = requestOfSize("q-under", LIMIT - 1);
    byte[] at = requestOfSize("q-at", LIMIT);
    byte[] over = requestOfSize("q-over", LIMIT + 1);
    byte[] huge = requestOfSize("q-huge", 20 << 20);
    byte[] undecodable = garbage("q-garbage", 64);
    send(
        Topics.DEFAULT.requests(),
        "none",
        List.of(
            record("q-under", under),
            record("q-at", at),
            record("q-over", over),
            record("q-garbage", undecodable)));
    send(Topics.DEFAULT.requests(), "zstd", List.of(record("q-huge", huge)));
    send(
        Topics.DEFAULT.requests(),
        "none",
        List.of(
            record(
                "q-after",
                "{\"request_id\":\"q-after\",\"text\":\"a red circle\",\"top_k\":1}"
                    .getBytes(StandardCharsets.UTF_8))));

    List<ConsumerRecord<byte[], byte[]>> replies =
        KAFKA.consumeMatching(Topics.DEFAULT.replies(), 6, WAIT, r -> key(r).startsWith("q-"));
    assertEquals(
        6,
        replies.stream().map(PoisonRecordIT::key).distinct().count(),
        "exactly one reply per request");
    assertEquals(
        ReplyStatus.OK, reply(replies, "q-under").getStatus(), "just under the limit is answered");
    assertEquals(ReplyStatus.OK, reply(replies, "q-at").getStatus(), "at the limit is answered");
    assertEquals(
        ReplyStatus.OK,
        reply(replies, "q-after").getStatus(),
        "the request after the poison is answered");
    for (String refused : List.of("q-over", "q-huge")) {
      RetrievalReply r = reply(replies, refused);
      assertEquals(ReplyStatus.INVALID_REQUEST, r.getStatus(), refused);
      assertTrue(r.getError().contains("--kafka.max-record-bytes"), r.getError());
    }
    RetrievalReply garbageReply = reply(replies, "q-garbage");
    assertEquals(ReplyStatus.INVALID_REQUEST, garbageReply.getStatus());
    assertTrue(
        garbageReply.getError().startsWith("request does not decode"), garbageReply.getError());

    List<ConsumerRecord<byte[], byte[]>> dead =
        KAFKA.consumeMatching(
            Topics.DEFAULT.requestDeadLetters(), 3, WAIT, r -> key(r).startsWith("q-"));
    assertReference(byKey(dead, "q-over"), over, LIMIT + 1);
    assertReference(byKey(dead, "q-huge"), huge, 20 << 20);
    ConsumerRecord<byte[], byte[]> garbage = byKey(dead, "q-garbage");
    assertEquals(DeadLetterReason.UNDECODABLE_RECORD.name(), reason(garbage));
    assertArrayEquals(
        undecodable, garbage.value(), "an undecodable request is dead-lettered whole");
    assertNoThreadDiedAndReady();
  }

  static ConsumerRecord<byte[], byte[]> byKey(
      List<ConsumerRecord<byte[], byte[]>> records, String key) {
    return records.stream()
        .filter(r -> key(r).equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record with key " + key));
  }

  static RetrievalReply reply(List<ConsumerRecord<byte[], byte[]>> replies, String id) {
    return REPLIES.deserializer().deserialize(Topics.DEFAULT.replies(), byKey(replies, id).value());
  }

  static String reason(ConsumerRecord<byte[], byte[]> r) {
    return DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON);
  }

  /** A dead letter that names the record (size, digest, coordinates) without carrying it. */
  static void assertReference(ConsumerRecord<byte[], byte[]> letter, byte[] value, int size)
      throws Exception {
    assertEquals(DeadLetterReason.RECORD_TOO_LARGE.name(), reason(letter), key(letter));
    assertNull(letter.value(), "the oversize payload is left out");
    assertEquals(
        Integer.toString(size),
        DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.RECORD_SIZE));
    assertEquals(
        sha256(value), DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.RECORD_SHA256));
    assertTrue(DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.OFFSET).matches("\\d+"));
    assertTrue(
        DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.MESSAGE)
            .contains("limit is " + LIMIT));
  }

  /**
   * No stream thread of either application died (Kafka Streams counts each, replaced or not), and
   * the service is ready. Readiness is awaited: it blinks while a group rebalances.
   */
  static void assertNoThreadDiedAndReady() throws Exception {
    String metrics = ops("/metrics").body();
    for (String app : List.of("ingest", "query")) {
      assertTrue(
          metrics.matches(
              "(?s).*\\nbgevl_streams_failed_threads\\{app=\"" + app + "\"[^}]*} 0(\\.0)?\\n.*"),
          "no " + app + " stream thread died:\n" + metrics);
    }
    await("the service is ready")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              HttpResponse<String> ready = ops("/health/ready");
              assertEquals(200, ready.statusCode(), ready.body());
            });
  }

  private static HttpResponse<String> ops(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.opsPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
