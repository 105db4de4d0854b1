package dev.bgevl.streams.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.deadletter.DeadLetterHeaders;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.onnx.OnnxBgeVlEncoder;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.media.ImageSourcePolicy;
import dev.bgevl.streams.milvus.MetadataFilter;
import dev.bgevl.streams.milvus.SearchHit;
import dev.bgevl.streams.milvus.VectorSearch;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.schemas.retrieval.ReplyHeaders;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query processor's decisions on Kafka's {@link TopologyTestDriver}, with the real tiny model
 * and a scripted search in place of Milvus: exactly one reply per request, its status for each
 * failure, reply routing and correlation, top-k trimming and one search per filter. {@code
 * RetrievalIT} runs the real thing.
 */
class QueryProcessorTest {

  static final Instant NOW = Instant.parse("2026-12-02T01:00:00Z");
  static final Topics TOPICS =
      new Topics(
          "media-events",
          "media-vectors",
          "media-thumbnails",
          "media-events-dlq",
          "retrieval-requests",
          "retrieval-replies",
          "retrieval-requests-dlq",
          Set.of("client-*"));
  static final QueryConfig CONFIG = QueryConfig.DEFAULT;
  static final BgevlSerde<RetrievalRequest> REQUESTS =
      BgevlSerde.of(RetrievalRequest.class, SerdeConfig.json());
  static final BgevlSerde<RetrievalReply> REPLIES =
      BgevlSerde.of(RetrievalReply.class, SerdeConfig.json());

  static OnnxBgeVlEncoder encoder;
  static ImageResolver images;

  @TempDir Path stateDir;

  final ScriptedSearch search = new ScriptedSearch();
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> requests;

  /**
   * Answers every query with the same ranked hits, or fails as told; counts calls and remembers
   * filters.
   */
  static final class ScriptedSearch implements VectorSearch {
    final List<Optional<MetadataFilter>> filters = new ArrayList<>();
    Supplier<RuntimeException> failure;

    @Override
    public List<List<SearchHit>> search(
        String collection,
        List<float[]> queries,
        int topK,
        Optional<MetadataFilter> filter,
        Instant deadline) {
      filters.add(filter);
      if (failure != null) {
        throw failure.get();
      }
      List<SearchHit> hits = new ArrayList<>();
      for (int i = 0; i < topK; i++) {
        hits.add(new SearchHit("hit-" + i, 1f - i / 100f, "caption " + i, "", Map.of()));
      }
      return queries.stream().map(q -> List.copyOf(hits)).toList();
    }
  }

  @BeforeAll
  static void openEncoder() {
    encoder =
        OnnxBgeVlEncoder.open(
            ModelBundle.load(Path.of(System.getProperty("bgevl.tinyBundle"))),
            EncoderConfig.DEFAULT.withIntraOpThreads(1));
    images = new ImageResolver(new ImageSourcePolicy(Optional.empty(), 1 << 20));
  }

  @AfterAll
  static void closeEncoder() {
    images.close();
    encoder.close();
  }

  @BeforeEach
  void startDriver() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "query-unit");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            QueryTopology.build(
                TOPICS,
                CONFIG,
                REQUESTS,
                REPLIES,
                encoder,
                search,
                images,
                "media_unit",
                Clock.fixed(NOW, ZoneOffset.UTC),
                new ServiceMetrics(),
                new RecordLimits(RecordLimits.MIN_MAX_RECORD_BYTES)),
            props);
    requests =
        driver.createInputTopic(
            TOPICS.requests(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  void ask(RetrievalRequest request) {
    requests.pipeInput(
        request.getRequestId().getBytes(StandardCharsets.UTF_8),
        REQUESTS.serializer().serialize(TOPICS.requests(), request));
  }

  Map<String, TestRecord<byte[], byte[]>> replies(String topic) {
    driver.advanceWallClockTime(CONFIG.batchMaxDelay());
    TestOutputTopic<byte[], byte[]> out =
        driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Map<String, TestRecord<byte[], byte[]>> byId = new java.util.LinkedHashMap<>();
    for (TestRecord<byte[], byte[]> r : out.readRecordsToList()) {
      String id = new String(r.key(), StandardCharsets.UTF_8);
      assertTrue(byId.put(id, r) == null, "exactly one reply for " + id);
    }
    return byId;
  }

  static RetrievalReply value(TestRecord<byte[], byte[]> r) {
    return REPLIES.deserializer().deserialize(TOPICS.replies(), r.value());
  }

  static RetrievalRequest.Builder text(String id) {
    return RetrievalRequest.newBuilder().setRequestId(id).setText("a red circle");
  }

  @Test
  void shouldAnswerOkWithHitsTrimmedToEachRequestsTopK() {
    ask(text("k2").setTopK(2).build());
    ask(text("k5").setTopK(5).build());
    Map<String, TestRecord<byte[], byte[]>> replies = replies(TOPICS.replies());
    assertEquals(ReplyStatus.OK, value(replies.get("k2")).getStatus());
    assertEquals(2, value(replies.get("k2")).getHits().size());
    assertEquals(5, value(replies.get("k5")).getHits().size());
    assertEquals(
        1, search.filters.size(), "one search serves both: same (no) filter, the larger top_k");
    assertEquals("hit-0", value(replies.get("k2")).getHits().get(0).getId());
  }

  @Test
  void shouldSearchOncePerDistinctFilter() {
    ask(text("f1").setFilter("colour == \"red\"").build());
    ask(text("f2").setFilter("colour  ==  \"red\"").build());
    ask(text("f3").setFilter("colour == \"blue\"").build());
    ask(text("f4").build());
    assertEquals(4, replies(TOPICS.replies()).size());
    assertEquals(3, search.filters.size(), "red (written two ways), blue, none");
  }

  @Test
  void shouldMapEachFailureToItsStatus() {
    ask(text("bad-top-k").setTopK(0).build());
    ask(text("bad-filter").setFilter("colour = ").build());
    ask(RetrievalRequest.newBuilder().setRequestId("empty").build());
    ask(text("late").setDeadline(NOW.minusMillis(1)).build());
    ask(text("bad-model").setModel("no-such-model").build());
    Map<String, TestRecord<byte[], byte[]>> replies = replies(TOPICS.replies());
    assertEquals(ReplyStatus.INVALID_REQUEST, value(replies.get("bad-top-k")).getStatus());
    assertEquals(ReplyStatus.INVALID_REQUEST, value(replies.get("bad-filter")).getStatus());
    assertTrue(value(replies.get("bad-filter")).getError().contains("filter"));
    assertEquals(ReplyStatus.INVALID_REQUEST, value(replies.get("empty")).getStatus());
    assertEquals(ReplyStatus.DEADLINE_EXCEEDED, value(replies.get("late")).getStatus());
    assertEquals(ReplyStatus.INVALID_REQUEST, value(replies.get("bad-model")).getStatus());
    assertTrue(search.filters.isEmpty(), "no request got as far as a search");
  }

  @Test
  void shouldAnswerUnavailableWhenTheSearchIsDownAndInternalOnABug() {
    search.failure = () -> new TimeoutException("Milvus unreachable");
    ask(text("down").build());
    assertEquals(ReplyStatus.UNAVAILABLE, value(replies(TOPICS.replies()).get("down")).getStatus());
    search.failure = () -> new IllegalStateException("a bug");
    ask(text("bug").build());
    RetrievalReply bug = value(replies(TOPICS.replies()).get("bug"));
    assertEquals(ReplyStatus.INTERNAL, bug.getStatus());
    assertTrue(
        bug.getError().contains("IllegalStateException") && !bug.getError().contains("a bug"),
        "names the kind, never internals: " + bug.getError());
  }

  @Test
  void shouldRouteToAnAllowedReplyTopicAndCopyTheCorrelationId() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(ReplyHeaders.CORRELATION_ID, "corr-7".getBytes(StandardCharsets.UTF_8));
    requests.pipeInput(
        new TestRecord<>(
            "routed".getBytes(StandardCharsets.UTF_8),
            REQUESTS
                .serializer()
                .serialize(TOPICS.requests(), text("routed").setReplyTo("client-a").build()),
            headers,
            NOW));
    ask(text("refused-route").setReplyTo("someone-elses-topic").build());
    TestRecord<byte[], byte[]> routed = replies("client-a").get("routed");
    assertEquals(ReplyStatus.OK, value(routed).getStatus());
    assertEquals(
        "corr-7",
        new String(
            routed.headers().lastHeader(ReplyHeaders.CORRELATION_ID).value(),
            StandardCharsets.UTF_8));
    RetrievalReply refused = value(replies(TOPICS.replies()).get("refused-route"));
    assertEquals(
        ReplyStatus.INVALID_REQUEST,
        refused.getStatus(),
        "a reply_to not allowed gets the default topic");
  }

  @Test
  void shouldAnswerAndDeadLetterBytesThatAreNoRequest() {
    requests.pipeInput(
        "garbled".getBytes(StandardCharsets.UTF_8), "{oops".getBytes(StandardCharsets.UTF_8));
    requests.pipeInput(null, "{oops".getBytes(StandardCharsets.UTF_8));
    RetrievalReply reply = value(replies(TOPICS.replies()).get("garbled"));
    assertEquals(ReplyStatus.INVALID_REQUEST, reply.getStatus());
    assertTrue(reply.getError().startsWith("request does not decode"), reply.getError());
    List<TestRecord<byte[], byte[]>> dead =
        driver
            .createOutputTopic(
                TOPICS.requestDeadLetters(),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())
            .readRecordsToList();
    assertEquals(2, dead.size(), "both go to the dead-letter topic, the keyless one only there");
    dead.forEach(
        d ->
            assertEquals(
                DeadLetterReason.UNDECODABLE_RECORD.name(),
                DeadLetterHeaders.read(d.headers(), DeadLetterHeaders.REASON)));
  }

  @Test
  void shouldWaitForTheBatchDelayBeforeEncoding() {
    ask(text("patient").build());
    driver.advanceWallClockTime(CONFIG.batchMaxDelay().minus(Duration.ofMillis(1)));
    assertTrue(search.filters.isEmpty(), "not due yet");
    assertEquals(1, replies(TOPICS.replies()).size());
  }
}
