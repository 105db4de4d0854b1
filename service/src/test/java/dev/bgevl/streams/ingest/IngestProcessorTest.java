package dev.bgevl.streams.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.deadletter.DeadLetterConfig;
import dev.bgevl.streams.deadletter.DeadLetterHeaders;
import dev.bgevl.streams.deadletter.DeadLetterProcessingHandler;
import dev.bgevl.streams.embedded.testkit.TestImages;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.onnx.OnnxBgeVlEncoder;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.media.ImageSourcePolicy;
import dev.bgevl.streams.milvus.VectorRow;
import dev.bgevl.streams.milvus.VectorSink;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaVector;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.thumbnails.ThumbnailMaker;
import dev.bgevl.streams.thumbnails.ThumbnailPolicy;
import dev.bgevl.streams.thumbnails.ThumbnailPool;
import dev.bgevl.streams.topics.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.apache.kafka.common.errors.TimeoutException;
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
 * The ingest processor's decisions on Kafka's {@link TopologyTestDriver}, with the real tiny model
 * and a recording sink in place of Milvus: which event of an id wins, which stage refuses what with
 * which reason, deletes, and what a Milvus outage does to the batch. Milliseconds each; {@code
 * IngestFaultIT} (the replaced thread applying the kept batch) and {@code EndToEndIT} run the real
 * thing.
 */
class IngestProcessorTest {

  static final Topics TOPICS = Topics.DEFAULT;
  static final IngestConfig CONFIG = new IngestConfig(32, Duration.ofMillis(50));
  static final RecordLimits LIMITS = new RecordLimits(RecordLimits.MIN_MAX_RECORD_BYTES);
  static final String IMAGE =
      Base64.getEncoder().encodeToString(TestImages.generate("unit", 1, 9).get(0).png());

  static OnnxBgeVlEncoder encoder;
  static ImageResolver images;

  /** image_uri events read their files from here. */
  @TempDir static Path imageRoot;

  static ThumbnailPool thumbnails;

  @TempDir Path stateDir;

  final RecordingSink sink = new RecordingSink();
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> events;
  TestOutputTopic<byte[], byte[]> vectors;
  TestOutputTopic<byte[], byte[]> deadLetters;
  TestOutputTopic<byte[], byte[]> thumbnailRecords;

  /** Milvus as the processor sees it: rows by id, deletes in order, and an outage on demand. */
  static final class RecordingSink implements VectorSink {
    final Map<String, VectorRow> rows = new LinkedHashMap<>();
    final List<String> deleted = new ArrayList<>();
    int upserts;
    boolean down;

    @Override
    public void upsert(String collection, List<VectorRow> batch) {
      if (down) {
        throw new TimeoutException("Milvus unreachable");
      }
      // as Milvus Lite 2.5.1 does with a quote in a primary key: the whole call fails
      if (batch.stream().anyMatch(row -> row.id().contains("'"))) {
        throw new IllegalStateException("the store cannot hold an id with a quote");
      }
      upserts++;
      batch.forEach(row -> rows.put(row.id(), row));
    }

    @Override
    public void delete(String collection, Collection<String> ids) {
      ids.forEach(rows::remove);
      deleted.addAll(ids);
    }
  }

  @BeforeAll
  static void openEncoder() throws IOException {
    Files.write(imageRoot.resolve("by-uri.png"), TestImages.photoLikePng(300_000, 13));
    encoder =
        OnnxBgeVlEncoder.open(
            ModelBundle.load(Path.of(System.getProperty("bgevl.tinyBundle"))),
            EncoderConfig.DEFAULT.withIntraOpThreads(1));
    images = new ImageResolver(new ImageSourcePolicy(Optional.of(imageRoot), 1 << 20));
    thumbnails =
        new ThumbnailPool(
            ThumbnailPolicy.DEFAULT,
            new ThumbnailMaker(ThumbnailPolicy.DEFAULT, ImageLimits.DEFAULT),
            1);
  }

  @AfterAll
  static void closeEncoder() {
    thumbnails.close();
    images.close();
    encoder.close();
  }

  @BeforeEach
  void startDriver() {
    SerdeConfig json = SerdeConfig.json();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-unit");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    props.put(DeadLetterConfig.TOPIC_CONFIG, TOPICS.mediaDeadLetters());
    driver =
        new TopologyTestDriver(
            IngestTopology.build(
                TOPICS,
                CONFIG,
                BgevlSerde.of(MediaEvent.class, json),
                BgevlSerde.of(MediaVector.class, json),
                encoder,
                sink,
                images,
                thumbnails,
                "media_unit",
                new ServiceMetrics(),
                LIMITS),
            props);
    events =
        driver.createInputTopic(
            TOPICS.mediaEvents(), new ByteArraySerializer(), new ByteArraySerializer());
    vectors =
        driver.createOutputTopic(
            TOPICS.mediaVectors(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            TOPICS.mediaDeadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    thumbnailRecords =
        driver.createOutputTopic(
            TOPICS.mediaThumbnails(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  void send(String key, String json) {
    events.pipeInput(
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  void flush() {
    driver.advanceWallClockTime(CONFIG.batchMaxDelay());
  }

  static String upsert(String id, String text) {
    return "{\"id\":\"" + id + "\",\"image\":\"" + IMAGE + "\",\"text\":\"" + text + "\"}";
  }

  static String key(TestRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldWaitForTheBatchDelayThenApplyOnlyTheLastEventOfAnId() {
    send("a", upsert("a", "first"));
    send("b", upsert("b", "other"));
    send("a", upsert("a", "second"));
    driver.advanceWallClockTime(Duration.ofMillis(40));
    assertEquals(0, sink.upserts, "not due before the delay");
    driver.advanceWallClockTime(Duration.ofMillis(10));
    assertEquals(1, sink.upserts, "one upsert for the batch");
    assertEquals("second", sink.rows.get("a").text(), "the last event of an id wins");
    assertEquals(
        List.of("b", "a"),
        vectors.readRecordsToList().stream().map(IngestProcessorTest::key).toList(),
        "one vector per id, in the order of their last events");
  }

  @Test
  void shouldFlushAtOnceWhenTheBatchIsFull() {
    for (int i = 0; i < CONFIG.batchMaxSize(); i++) {
      send("full-" + i, upsert("full-" + i, "n" + i));
    }
    assertEquals(CONFIG.batchMaxSize(), sink.rows.size(), "no wall-clock time passed");
  }

  @Test
  void shouldDeadLetterEachRefusedEventWithTheReasonOfItsStage() {
    send("garbage", "{not json");
    send("key", upsert("other-id", "x"));
    send(null, "{\"id\":\"\",\"text\":\"no id anywhere\"}");
    send("empty", "{\"id\":\"empty\"}");
    send(
        "broken",
        "{\"id\":\"broken\",\"image\":\""
            + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})
            + "\"}");
    send("text-mode", "{\"id\":\"text-mode\",\"image\":\"" + IMAGE + "\",\"embed\":\"TEXT\"}");
    String longId = "i".repeat(600);
    send(longId, upsert(longId, "id over 512 bytes"));
    events.pipeInput("huge".getBytes(StandardCharsets.UTF_8), new byte[LIMITS.maxRecordBytes()]);
    send("good", upsert("good", "fine"));
    flush();

    Map<String, String> reasons = new HashMap<>();
    for (TestRecord<byte[], byte[]> r : deadLetters.readRecordsToList()) {
      reasons.put(
          key(r) == null ? "(no key)" : key(r).length() > 20 ? "(long id)" : key(r),
          DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON));
    }
    assertEquals(
        Map.of(
            "garbage", DeadLetterReason.UNDECODABLE_RECORD.name(),
            "key", DeadLetterReason.ID_MISMATCH.name(),
            "(no key)", DeadLetterReason.MISSING_ID.name(),
            "empty", DeadLetterReason.NO_CONTENT.name(),
            "broken", DeadLetterReason.IMAGE_UNDECODABLE.name(),
            "text-mode", DeadLetterReason.UNSUPPORTED_EMBED_MODE.name(),
            "(long id)", DeadLetterReason.INVALID_FIELD.name(),
            "huge", DeadLetterReason.RECORD_TOO_LARGE.name()),
        reasons);
    assertEquals(
        List.of("good"), List.copyOf(sink.rows.keySet()), "the good event of the batch is applied");
  }

  @Test
  void shouldDeleteFromTheStoreAndTombstoneTheVector() {
    send("gone", upsert("gone", "soon deleted"));
    flush();
    send("gone", "{\"id\":\"gone\",\"op\":\"DELETE\"}");
    flush();
    assertEquals(List.of("gone"), sink.deleted);
    assertTrue(sink.rows.isEmpty());
    List<TestRecord<byte[], byte[]>> out = vectors.readRecordsToList();
    assertEquals(2, out.size());
    assertNull(out.get(1).value(), "a DELETE writes a tombstone");
  }

  @Test
  void shouldWriteAThumbnailWithEachIndexedImageAndTombstoneItWhenTheImageGoes() throws Exception {
    byte[] photo = TestImages.photoLikePng(400_000, 7);
    BufferedImage original = ImageIO.read(new ByteArrayInputStream(photo));
    send(
        "photo",
        "{\"id\":\"photo\",\"image\":\"" + Base64.getEncoder().encodeToString(photo) + "\"}");
    flush();
    List<TestRecord<byte[], byte[]>> made = thumbnailRecords.readRecordsToList();
    assertEquals(List.of("photo"), made.stream().map(IngestProcessorTest::key).toList());
    BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(made.get(0).value()));
    assertEquals(256, thumbnail.getWidth(), "the longest side is the policy's");
    assertEquals(
        Math.round(original.getHeight() * 256.0 / original.getWidth()),
        thumbnail.getHeight(),
        "the aspect ratio is kept");
    assertTrue(
        made.get(0).value().length < photo.length / 5,
        "a thumbnail is a few KB: " + made.get(0).value().length);

    send("photo", "{\"id\":\"photo\",\"text\":\"now only a caption\"}");
    flush();
    send("photo", "{\"id\":\"photo\",\"op\":\"DELETE\"}");
    flush();
    List<TestRecord<byte[], byte[]>> later = thumbnailRecords.readRecordsToList();
    assertEquals(2, later.size());
    assertNull(later.get(0).value(), "an upsert without an image removes the old thumbnail");
    assertNull(later.get(1).value(), "a DELETE tombstones the thumbnail");
  }

  @Test
  void shouldMakeTheThumbnailOfAnImageGivenByUri() throws Exception {
    String uri = imageRoot.resolve("by-uri.png").toUri().toString();
    send("by-uri", "{\"id\":\"by-uri\",\"image_uri\":\"" + uri + "\"}");
    flush();
    List<TestRecord<byte[], byte[]>> made = thumbnailRecords.readRecordsToList();
    assertEquals(List.of("by-uri"), made.stream().map(IngestProcessorTest::key).toList());
    assertEquals(256, ImageIO.read(new ByteArrayInputStream(made.get(0).value())).getWidth());
  }

  @Test
  void shouldWriteNoThumbnailForAnEventThatWasNotIndexed() {
    send(
        "broken",
        "{\"id\":\"broken\",\"image\":\""
            + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})
            + "\"}");
    send("fine", upsert("fine", "indexed"));
    flush();
    assertEquals(1, deadLetters.readRecordsToList().size());
    assertEquals(
        List.of("fine"),
        thumbnailRecords.readRecordsToList().stream().map(IngestProcessorTest::key).toList(),
        "no thumbnail without its vector");
  }

  @Test
  void shouldKeepTheBatchForTheRetryWhenMilvusIsDown() {
    sink.down = true;
    send("kept", upsert("kept", "survives the outage"));
    RuntimeException failed =
        assertThrows(RuntimeException.class, this::flush, "a transient failure stops the task");
    assertTrue(
        failed instanceof TimeoutException || failed.getCause() instanceof TimeoutException,
        failed.toString());
    assertTrue(deadLetters.isEmpty(), "an outage dead-letters nothing");
    assertTrue(vectors.isEmpty(), "nothing reaches media-vectors before Milvus has it");
    assertTrue(thumbnailRecords.isEmpty(), "nor a thumbnail");

    // Streams now replaces the thread; the new task finds the batch in the (changelogged) store and
    // flushes it first
    assertEquals(
        1,
        driver.getKeyValueStore(IngestTopology.PENDING_STORE).approximateNumEntries(),
        "the batch stays in the pending store");
  }

  @Test
  void shouldDeadLetterOnlyTheRowTheStoreRefusesNotItsBatch() {
    send("alice", upsert("alice", "fine"));
    send("bob's", upsert("bob's", "the store refuses this id"));
    send("carol", upsert("carol", "fine too"));
    flush();
    assertEquals(List.of("alice", "carol"), List.copyOf(sink.rows.keySet()));
    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertEquals(List.of("bob's"), dead.stream().map(IngestProcessorTest::key).toList());
    assertEquals(
        DeadLetterReason.STORE_REFUSED.name(),
        DeadLetterHeaders.read(dead.get(0).headers(), DeadLetterHeaders.REASON));
    assertEquals(
        List.of("alice", "carol"),
        vectors.readRecordsToList().stream().map(IngestProcessorTest::key).toList(),
        "only what the store holds reaches media-vectors");
  }
}
