package dev.bgevl.streams.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.testkit.MilvusExtension;
import io.milvus.v2.client.MilvusClientV2;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Milvus Lite going away and coming back: bounded retries, recovery, persistence, and clear start
 * failures.
 */
class MilvusFaultIT {

  @RegisterExtension static final MilvusExtension milvus = new MilvusExtension();

  private static final int DIM = 32;

  @Test
  void shouldThrowUnavailableAfterBoundedRetriesWhileStoppedAndWorkAgainAfterRestart() {
    String collection = "media_fault";
    new MilvusCollections(milvus.client(), milvus.config()).ensure(collection, DIM);
    MilvusConfig impatient =
        milvus
            .config()
            .withTimeout(Duration.ofSeconds(2))
            .withRetry(
                new MilvusConfig.RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(400)));
    // the call deadline is the client's: MilvusClientV2 waits for a ready channel until then
    // instead of failing fast
    MilvusClientV2 impatientClient = MilvusConnector.connect(impatient);
    MilvusVectorSink sink = new MilvusVectorSink(impatientClient, impatient);
    sink.upsert(collection, rows("before", 5));

    milvus.server().stop();
    long start = System.nanoTime();
    MilvusUnavailableException e =
        assertThrows(
            MilvusUnavailableException.class, () -> sink.upsert(collection, rows("during", 5)));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertEquals(3, e.attempts());
    assertEquals("upsert", e.operation());
    // three attempts, each failing fast or at its 2 s deadline, and two waits of 100 and 200 ms
    // scaled by jitter in [0.5, 1]
    assertTrue(elapsedMs >= 150, "gave up after " + elapsedMs + " ms");
    assertTrue(elapsedMs < 3 * 2_000 + 300 + 1_500, "gave up after " + elapsedMs + " ms");
    MilvusSearcher impatientSearcher = new MilvusSearcher(impatientClient, impatient);
    assertThrows(MilvusUnavailableException.class, () -> impatientSearcher.count(collection));
    impatientClient.close();

    milvus.server().restart();
    // the client's channel reconnects with its own backoff, so the first calls after the restart
    // may still be refused
    MilvusConfig patient =
        milvus
            .config()
            .withRetry(
                new MilvusConfig.RetryPolicy(30, Duration.ofMillis(100), Duration.ofSeconds(1)));
    new MilvusVectorSink(milvus.client(), patient).upsert(collection, rows("after", 5));
    MilvusSearcher searcher = new MilvusSearcher(milvus.client(), patient);
    // Milvus Lite and Milvus standalone 2.3 both come back with the collection released (count
    // works released on Lite
    // only), so load it first, as the service's start does
    new MilvusCollections(milvus.client(), patient).ensure(collection, DIM);
    assertEquals(10, searcher.count(collection));
    assertEquals(
        1,
        searcher
            .search(collection, List.of(rows("after", 1).get(0).vector()), 1, Optional.empty())
            .size());
  }

  @Test
  void shouldKeepDataAcrossARestartOnTheSameDataDirectory() {
    String collection = "media_persist";
    MilvusConfig patient =
        milvus
            .config()
            .withRetry(
                new MilvusConfig.RetryPolicy(30, Duration.ofMillis(100), Duration.ofSeconds(1)));
    new MilvusCollections(milvus.client(), patient).ensure(collection, DIM);
    new MilvusVectorSink(milvus.client(), patient).upsert(collection, rows("kept", 12));

    milvus.server().restart();

    MilvusSearcher searcher = new MilvusSearcher(milvus.client(), patient);
    new MilvusCollections(milvus.client(), patient).ensure(collection, DIM);
    assertEquals(12, searcher.count(collection));
    List<VectorRow> expected = rows("kept", 12);
    SearchHit top =
        searcher
            .search(collection, List.of(expected.get(4).vector()), 1, Optional.empty())
            .get(0)
            .get(0);
    assertEquals("kept-4", top.id());
    assertEquals(expected.get(4).metadata(), top.metadata());
  }

  private static List<VectorRow> rows(String prefix, int count) {
    Random random = new Random(prefix.hashCode());
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                new VectorRow(
                    prefix + "-" + i,
                    MilvusVectorStoreIT.unitVector(random),
                    "text " + i,
                    "",
                    Map.of("n", Integer.toString(i)),
                    i,
                    "tiny"))
        .toList();
  }
}
