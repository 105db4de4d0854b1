package dev.bgevl.streams.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.embedded.testkit.ChildService;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.embedded.testkit.MilvusRows;
import dev.bgevl.streams.embedded.testkit.StreamsGroups;
import dev.bgevl.streams.embedded.testkit.TopicReader;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.milvus.MilvusCollections;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.milvus.SearchHit;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaVector;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.testkit.IngestTestServices;
import dev.bgevl.streams.testkit.MediaEvents;
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest under faults, on a real in-process KRaft broker, Milvus Lite and the tiny model: Milvus
 * going away, the whole service SIGKILLed mid-batch, and the broker restarting. In every case each
 * event ends up applied once in Milvus, and none becomes a dead letter, since none was bad. Each
 * test has its own application id, topics and collection.
 */
class IngestFaultIT {
  private static final Logger log = LoggerFactory.getLogger(IngestFaultIT.class);

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension static final MilvusExtension MILVUS = new MilvusExtension();

  static final Duration START = Duration.ofSeconds(60);
  static final Duration WAIT = Duration.ofSeconds(60);
  static final Duration POLL = Duration.ofMillis(200);
  static final Duration READ = Duration.ofSeconds(20);

  @TempDir Path temp;

  private final List<AutoCloseable> running = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    // last started first; a child service left alive would keep writing to the next test's Milvus
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    if (!MILVUS.server().isRunning()) {
      MILVUS.server().restart();
    }
  }

  @Test
  void shouldPauseWhileMilvusIsDownAndLoseNothing() throws Exception {
    Topics topics = IngestTestServices.topics("down");
    MilvusConfig milvus =
        IngestTestServices.impatient(MILVUS.config()).withCollectionPrefix("down_");
    // A replaced stream thread does not leave the group, so the rebalance that hands its tasks to
    // the new thread
    // waits for the dead member's session to expire: 45 s by default (measured: thread died at +0
    // s, tasks resumed
    // at +43 s). 6 s keeps this test well inside its deadline; the default delay is a finding, not
    // what is tested.
    BgevlService service =
        started(
            BgevlService.start(
                IngestTestServices.config(
                    "down",
                    KAFKA.bootstrapServers(),
                    milvus,
                    temp.resolve("state"),
                    topics,
                    2,
                    (short) 1,
                    IngestConfig.DEFAULT,
                    Map.of("session.timeout.ms", "6000"))));
    assertTrue(service.awaitRunning(START), "both applications RUNNING");
    Set<String> membersBefore =
        StreamsGroups.memberClientIds(KAFKA.bootstrapServers(), "down-ingest");
    List<String> ids = ids("m-", 40);

    MILVUS.server().stop();
    MediaEvents.produce(
        KAFKA.bootstrapServers(),
        topics.mediaEvents(),
        IntStream.range(0, ids.size())
            .mapToObj(i -> MediaEvents.upsert(ids.get(i), i, "caption " + i))
            .toList());

    // the flush fails after bounded retries, the thread dies and is replaced: the broker sees a new
    // member
    // the dying threads' exceptions are the point of this test, not a failure of it
    await("a replacement ingest thread joined the group while Milvus is down")
        .atMost(WAIT)
        .pollInterval(POLL)
        .dontCatchUncaughtExceptions()
        .until(
            () -> {
              assertNotEquals(
                  KafkaStreams.State.ERROR, service.ingestState(), "ingest never gives up");
              Set<String> members =
                  StreamsGroups.memberClientIds(KAFKA.bootstrapServers(), "down-ingest");
              return !members.isEmpty() && !members.equals(membersBefore);
            });
    assertNotEquals(KafkaStreams.State.ERROR, service.ingestState());
    // Streams says RUNNING all along; readiness must not: a thread that keeps dying turns it DOWN,
    // saying why
    await("readiness DOWN with the reason while every replacement thread dies")
        .atMost(WAIT)
        .pollInterval(POLL)
        .dontCatchUncaughtExceptions()
        .until(
            () ->
                service.readiness().failing().stream()
                    .anyMatch(
                        f ->
                            f.startsWith(
                                "ingest stream threads stable: ingest stream threads died")));
    assertEquals(
        List.of(),
        TopicReader.readCommitted(KAFKA.bootstrapServers(), topics.mediaDeadLetters(), READ),
        "an unreachable Milvus dead-letters nothing");

    MILVUS.server().restart();
    // no ensure here: the service must recover on its own, and upserts need no loaded collection
    MilvusSearcher searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());
    await("all 40 events in Milvus after the restart")
        .atMost(WAIT)
        .pollInterval(POLL)
        .dontCatchUncaughtExceptions()
        .until(() -> searcher.count(service.collection()) == ids.size());
    Map<String, MediaVector> vectors = latestVectors(topics.mediaVectors(), ids.size());
    assertEquals(Set.copyOf(ids), vectors.keySet(), "media-vectors holds every id");

    // Milvus Lite forgets the load state on restart: upserts and count(*) work on the released
    // collection, but query
    // and search are refused until it is loaded again, which the service only does at start
    new MilvusCollections(MILVUS.client(), MILVUS.config()).ensure(service.collection(), 64);
    assertEquals(
        Set.copyOf(ids), idsOf(MilvusRows.byIds(MILVUS.client(), service.collection(), ids)));
    List<SearchHit> hits =
        searcher
            .search(
                service.collection(),
                List.of(floats(vectors.get("m-0"))),
                ids.size(),
                Optional.empty())
            .get(0);
    assertEquals(
        Set.copyOf(ids),
        hits.stream().map(SearchHit::id).collect(Collectors.toSet()),
        "every id searchable");
    assertEquals(
        List.of(),
        TopicReader.readCommitted(KAFKA.bootstrapServers(), topics.mediaDeadLetters(), READ));
  }

  @Test
  void shouldApplyEveryEventOnceAfterSigkillMidBatch() throws Exception {
    Topics topics = IngestTestServices.topics("kill");
    String collection =
        MILVUS
            .config()
            .withCollectionPrefix("kill_")
            .collectionName(
                ModelBundle.load(Path.of(System.getProperty("bgevl.tinyBundle")))
                    .manifest()
                    .modelId());
    // 185 upserts, then DELETE k-0..k-9, then k-0..k-4 upserted again: 180 live ids, the last event
    // of each wins
    List<MediaEvent> events = new ArrayList<>();
    for (int i = 0; i < 185; i++) {
      events.add(MediaEvents.upsert("k-" + i, i, "first " + i));
    }
    for (int i = 0; i < 10; i++) {
      events.add(MediaEvents.delete("k-" + i));
    }
    for (int i = 0; i < 5; i++) {
      events.add(MediaEvents.upsert("k-" + i, i, "second " + i));
    }
    Set<String> deleted = Set.copyOf(ids("k-", 10).subList(5, 10));
    Map<String, String> live = new HashMap<>();
    for (int i = 0; i < 185; i++) {
      String id = "k-" + i;
      if (!deleted.contains(id)) {
        live.put(id, i < 5 ? "second " + i : "first " + i);
      }
    }
    assertEquals(200, events.size());
    // the service creates its topics at start; the input must exist before the events, with the
    // service's partitions
    KAFKA.createTopics(2, topics.mediaEvents());
    MediaEvents.produce(KAFKA.bootstrapServers(), topics.mediaEvents(), events);

    Path state = temp.resolve("state");
    ChildService first = child(state, "first.log");
    MilvusSearcher searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());
    await("the first child applied some batches")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              assertTrue(first.isAlive(), () -> "first child died:\n" + first.log());
              return collectionExists(collection) && searcher.count(collection) >= 8;
            });
    first.kill();
    long atKill = searcher.count(collection);
    log.info("Killed the first child rows={} of={}", atKill, live.size());
    assertTrue(
        atKill < live.size(), "killed mid-stream, not after the last batch: " + atKill + " rows");

    ChildService second = child(state, "second.log");
    try {
      await("every live id in Milvus")
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(
              () -> {
                assertTrue(second.isAlive(), () -> "second child died:\n" + second.log());
                return searcher.count(collection) == live.size()
                    && MilvusRows.byIds(MILVUS.client(), collection, live.keySet()).size()
                        == live.size()
                    && MilvusRows.byIds(MILVUS.client(), collection, deleted).isEmpty()
                    && textsOf(MilvusRows.byIds(MILVUS.client(), collection, live.keySet()))
                        .equals(live);
              });
      List<MilvusRows.Row> rows = MilvusRows.byIds(MILVUS.client(), collection, live.keySet());
      assertEquals(live.size(), rows.size(), "each live id exactly once");
      assertEquals(live, textsOf(rows), "the last event of each id wins");
      assertEquals(
          List.of(),
          MilvusRows.byIds(MILVUS.client(), collection, deleted),
          "deleted ids stay deleted");
      assertEquals(live.size(), searcher.count(collection));

      // Milvus is written before the transaction that carries media-vectors commits: await the
      // final records, not merely as many keys
      Map<String, MediaVector> vectors =
          latestVectors(
              topics.mediaVectors(),
              "the last event of each id",
              latest ->
                  live.entrySet().stream()
                          .allMatch(
                              e ->
                                  latest.get(e.getKey()) != null
                                      && e.getValue().equals(latest.get(e.getKey()).getText()))
                      && deleted.stream()
                          .allMatch(id -> latest.containsKey(id) && latest.get(id) == null));
      for (Map.Entry<String, String> e : live.entrySet()) {
        assertNotNull(vectors.get(e.getKey()), "media-vectors holds " + e.getKey());
        assertEquals(
            e.getValue(),
            vectors.get(e.getKey()).getText(),
            "latest media-vectors record of " + e.getKey());
      }
      for (String id : deleted) {
        assertTrue(vectors.containsKey(id), "a tombstone for " + id);
        assertNull(vectors.get(id), "the last media-vectors record of " + id + " is a tombstone");
      }
      assertEquals(
          List.of(),
          TopicReader.readCommitted(KAFKA.bootstrapServers(), topics.mediaDeadLetters(), READ));
    } catch (AssertionError | RuntimeException e) {
      log.error(
          "Output of the first child:\n{}\nOutput of the second child:\n{}",
          first.log(),
          second.log());
      throw e;
    }
  }

  @Test
  void shouldSurviveABrokerRestart() throws Exception {
    Topics topics = IngestTestServices.topics("restart");
    MilvusConfig milvus = MILVUS.config().withCollectionPrefix("restart_");
    String bootstrap = KAFKA.bootstrapServers();
    BgevlService service =
        started(
            BgevlService.start(
                IngestTestServices.config(
                    "restart",
                    bootstrap,
                    milvus,
                    temp.resolve("state"),
                    topics,
                    2,
                    (short) 1,
                    IngestConfig.DEFAULT)));
    assertTrue(service.awaitRunning(START), "both applications RUNNING");
    MilvusSearcher searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());
    List<String> ids = ids("r-", 40);
    // one producer across the restart, as a real upstream has: with the single broker restarted, a
    // new producer was
    // seen to get the old one's producer id again and be refused with OUT_OF_ORDER_SEQUENCE_NUMBER
    // for good
    try (KafkaProducer<String, MediaEvent> producer = MediaEvents.producer(bootstrap)) {
      MediaEvents.send(
          producer,
          topics.mediaEvents(),
          IntStream.range(0, 20)
              .mapToObj(i -> MediaEvents.upsert(ids.get(i), i, "caption " + i))
              .toList());
      await("the first half in Milvus")
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> searcher.count(service.collection()) == 20);

      KAFKA.shutdownBroker(0);
      KAFKA.startBroker(0);
      assertEquals(
          bootstrap,
          KAFKA.bootstrapServers(),
          "the restarted broker listens where the service connected");

      MediaEvents.send(
          producer,
          topics.mediaEvents(),
          IntStream.range(20, 40)
              .mapToObj(i -> MediaEvents.upsert(ids.get(i), i, "caption " + i))
              .toList());
    }
    await("all 40 in Milvus")
        .atMost(WAIT)
        .pollInterval(POLL)
        .until(() -> searcher.count(service.collection()) == ids.size());
    assertEquals(
        Set.copyOf(ids), idsOf(MilvusRows.byIds(MILVUS.client(), service.collection(), ids)));
    assertEquals(Set.copyOf(ids), latestVectors(topics.mediaVectors(), ids.size()).keySet());
    assertNotEquals(KafkaStreams.State.ERROR, service.ingestState());
    assertEquals(List.of(), TopicReader.readCommitted(bootstrap, topics.mediaDeadLetters(), READ));
  }

  private BgevlService started(BgevlService service) {
    running.add(service);
    return service;
  }

  private ChildService child(Path stateDir, String logName) {
    ChildService child =
        ChildService.run(
            temp.resolve(logName),
            List.of(
                "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "--kafka.application-id", "kill",
                "--kafka.state-dir", stateDir.toString(),
                "--milvus.uri", MILVUS.uri(),
                "--milvus.collection-prefix", "kill_",
                "--encoder.model", System.getProperty("bgevl.tinyBundle"),
                "--encoder.threads", "1",
                "--ingest.batch.max-size", "8",
                "--topics.partitions", "2",
                "--topics.replication-factor", "1",
                "--topics.media-events", "kill-media-events",
                "--topics.media-vectors", "kill-media-vectors",
                "--topics.media-dlq", "kill-media-events-dlq",
                "--topics.requests", "kill-retrieval-requests",
                "--topics.replies", "kill-retrieval-replies",
                "--topics.requests-dlq", "kill-retrieval-requests-dlq",
                // no fixed ports: a `bgevl local` or a second build on this machine holds 8080/8088
                "--ops.port", "0",
                "--web.port", "-1",
                // a SIGKILLed member stays in the group until its session expires: 45 s by default,
                // which the restarted
                // child would spend waiting in its first rebalance
                "--kafka.property", "session.timeout.ms=6000"));
    running.add(child);
    return child;
  }

  private static boolean collectionExists(String collection) {
    return new MilvusCollections(MILVUS.client(), MILVUS.config()).exists(collection);
  }

  /**
   * The last record of each key on media-vectors (null for a tombstone), once at least {@code keys}
   * keys are there.
   */
  private static Map<String, MediaVector> latestVectors(String topic, int keys) {
    return latestVectors(topic, keys + " keys", latest -> latest.size() >= keys);
  }

  /** The last record of each key on media-vectors (null for a tombstone), once they are final. */
  private static Map<String, MediaVector> latestVectors(
      String topic, String what, Predicate<Map<String, MediaVector>> done) {
    var deserializer = BgevlSerde.of(MediaVector.class, MediaEvents.JSON).deserializer();
    Map<String, MediaVector> latest = new HashMap<>();
    await("media-vectors holds " + what)
        .atMost(WAIT)
        .pollInterval(POLL)
        .until(
            () -> {
              latest.clear();
              for (ConsumerRecord<byte[], byte[]> r :
                  TopicReader.readCommitted(KAFKA.bootstrapServers(), topic, READ)) {
                latest.put(
                    new String(r.key(), StandardCharsets.UTF_8),
                    r.value() == null ? null : deserializer.deserialize(topic, r.value()));
              }
              return done.test(latest);
            });
    return latest;
  }

  private static List<String> ids(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }

  private static Set<String> idsOf(List<MilvusRows.Row> rows) {
    Set<String> ids = new HashSet<>();
    rows.forEach(r -> assertTrue(ids.add(r.id()), "id " + r.id() + " stored twice"));
    return ids;
  }

  private static Map<String, String> textsOf(List<MilvusRows.Row> rows) {
    return rows.stream()
        .collect(Collectors.toMap(MilvusRows.Row::id, MilvusRows.Row::text, (a, b) -> a + "|" + b));
  }

  private static float[] floats(MediaVector vector) {
    float[] out = new float[vector.getVector().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector.getVector().get(i);
    }
    return out;
  }
}
