package dev.bgevl.streams.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.embedded.testkit.MilvusRows;
import dev.bgevl.streams.embedded.testkit.TopicReader;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.testkit.IngestTestServices;
import dev.bgevl.streams.testkit.MediaEvents;
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the service in one consumer group share the media-events partitions; when one
 * leaves mid-stream the other takes its partitions over, restores their pending events, and every
 * event is applied once.
 */
class IngestScaleOutIT {

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension static final MilvusExtension MILVUS = new MilvusExtension();

  static final Duration WAIT = Duration.ofSeconds(60);
  static final Duration POLL = Duration.ofMillis(200);
  static final int PARTITIONS = 4;

  @TempDir Path temp;

  @Test
  void shouldShareThePartitionsAndLoseNothingInARebalance() throws Exception {
    Topics topics = IngestTestServices.topics("scale");
    MilvusConfig milvus = MILVUS.config().withCollectionPrefix("scale_");
    Set<TopicPartition> all =
        IntStream.range(0, PARTITIONS)
            .mapToObj(p -> new TopicPartition(topics.mediaEvents(), p))
            .collect(Collectors.toSet());
    List<String> ids = IntStream.range(0, 90).mapToObj(i -> "s-" + i).toList();
    MilvusSearcher searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());

    try (BgevlService a = BgevlService.start(config(milvus, topics, "a"))) {
      BgevlService b = BgevlService.start(config(milvus, topics, "b"));
      try {
        // the split as seen in one poll: a later read could fall into a rebalance and be empty
        AtomicReference<Set<TopicPartition>> seenOnA = new AtomicReference<>();
        AtomicReference<Set<TopicPartition>> seenOnB = new AtomicReference<>();
        await("both instances hold media-events partitions, together all of them, none twice")
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(
                () -> {
                  Set<TopicPartition> onA = a.ingestAssignment();
                  Set<TopicPartition> onB = b.ingestAssignment();
                  seenOnA.set(onA);
                  seenOnB.set(onB);
                  return !onA.isEmpty()
                      && !onB.isEmpty()
                      && union(onA, onB).equals(all)
                      && onA.size() + onB.size() == PARTITIONS;
                });
        Set<TopicPartition> onA = seenOnA.get();
        Set<TopicPartition> onB = seenOnB.get();

        MediaEvents.produce(
            KAFKA.bootstrapServers(),
            topics.mediaEvents(),
            IntStream.range(0, 60)
                .mapToObj(i -> MediaEvents.upsert(ids.get(i), i, "caption " + i))
                .toList());
        String collection = a.collection();
        await("the first 60 events in Milvus")
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(() -> searcher.count(collection) == 60);
        // both did work: each instance owned partitions that held events
        Set<TopicPartition> withEvents =
            TopicReader.readCommitted(KAFKA.bootstrapServers(), topics.mediaEvents(), WAIT).stream()
                .map(r -> new TopicPartition(r.topic(), r.partition()))
                .collect(Collectors.toSet());
        assertFalse(
            intersection(withEvents, onA).isEmpty(), "A owned partitions with events " + onA);
        assertFalse(
            intersection(withEvents, onB).isEmpty(), "B owned partitions with events " + onB);

        MediaEvents.produce(
            KAFKA.bootstrapServers(),
            topics.mediaEvents(),
            IntStream.range(60, 90)
                .mapToObj(i -> MediaEvents.upsert(ids.get(i), i, "caption " + i))
                .toList());
      } finally {
        // B leaves while its share of the last 30 events may still wait in its pending store
        b.close();
      }

      await("A took over every partition")
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> a.ingestAssignment().equals(all));
      String collection = a.collection();
      await("all 90 events in Milvus with A alone")
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> searcher.count(collection) == ids.size());
      List<MilvusRows.Row> rows = MilvusRows.byIds(MILVUS.client(), collection, ids);
      assertEquals(ids.size(), rows.size(), "each id exactly once");
      assertEquals(
          Set.copyOf(ids), rows.stream().map(MilvusRows.Row::id).collect(Collectors.toSet()));
      assertEquals(
          List.of(),
          TopicReader.readCommitted(KAFKA.bootstrapServers(), topics.mediaDeadLetters(), WAIT),
          "a rebalance dead-letters nothing");
    }
  }

  private ServiceConfig config(MilvusConfig milvus, Topics topics, String instance) {
    // same application id, so one consumer group; each instance has its own state folder, as on its
    // own machine
    return IngestTestServices.config(
        "scale",
        KAFKA.bootstrapServers(),
        milvus,
        temp.resolve(instance),
        topics,
        PARTITIONS,
        (short) 1,
        IngestConfig.DEFAULT);
  }

  private static Set<TopicPartition> union(Set<TopicPartition> x, Set<TopicPartition> y) {
    Set<TopicPartition> out = new HashSet<>(x);
    out.addAll(y);
    return out;
  }

  private static Set<TopicPartition> intersection(Set<TopicPartition> x, Set<TopicPartition> y) {
    Set<TopicPartition> out = new HashSet<>(x);
    out.retainAll(y);
    return out;
  }
}
