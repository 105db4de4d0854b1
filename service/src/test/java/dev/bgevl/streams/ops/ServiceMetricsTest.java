package dev.bgevl.streams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.batch.BatchListener;
import dev.bgevl.streams.encoder.batch.Lane;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
  private static final Pattern SAMPLE =
      Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? (NaN|[+-]Inf|-?[0-9.eE+-]+)");

  private final ServiceMetrics metrics = new ServiceMetrics();

  @Test
  void shouldWriteHelpAndTypeBeforeEveryFamily() {
    String text = metrics.scrape();
    for (String name :
        List.of(
            "bgevl_ingest_events_in_total",
            "bgevl_ingest_vectors_out_total",
            "bgevl_ingest_deletes_total",
            "bgevl_dead_letters_total",
            "bgevl_ingest_batches_total",
            "bgevl_query_requests_total",
            "bgevl_query_replies_total",
            "bgevl_encoder_overloaded_total",
            "bgevl_encoder_deadline_exceeded_total",
            "bgevl_encoder_items_total",
            "bgevl_encoder_failed_batches_total")) {
      assertTrue(text.contains("# HELP " + name + " "), name);
      assertTrue(text.contains("# TYPE " + name + " counter\n"), name);
    }
    for (String name :
        List.of(
            "bgevl_ingest_batch_size",
            "bgevl_milvus_upsert_seconds",
            "bgevl_milvus_delete_seconds",
            "bgevl_milvus_search_seconds",
            "bgevl_encoder_batch_size",
            "bgevl_encoder_queue_wait_seconds",
            "bgevl_encoder_seconds",
            "bgevl_query_seconds")) {
      assertTrue(text.contains("# TYPE " + name + " histogram\n"), name);
    }
  }

  @Test
  void shouldWriteOnlyCommentsAndWellFormedSamples() {
    metrics.deadLetter(DeadLetterReason.URI_REFUSED);
    metrics.milvusSearch(3_000_000);
    for (String line : metrics.scrape().split("\n")) {
      assertTrue(
          line.startsWith("# HELP ")
              || line.startsWith("# TYPE ")
              || SAMPLE.matcher(line).matches(),
          line);
    }
  }

  @Test
  void shouldExportEveryLabelValueAtZeroFromTheStart() {
    String text = metrics.scrape();
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      assertTrue(
          text.contains("bgevl_dead_letters_total{reason=\"" + reason.name() + "\"} 0\n"),
          reason.name());
    }
    for (ReplyStatus status : ReplyStatus.values()) {
      assertTrue(
          text.contains("bgevl_query_replies_total{status=\"" + status.name() + "\"} 0\n"),
          status.name());
    }
    assertTrue(text.contains("bgevl_encoder_overloaded_total{lane=\"QUERY\"} 0\n"));
  }

  @Test
  void shouldWriteCumulativeBucketsWithInfSumAndCount() {
    metrics.ingestBatch(1);
    metrics.ingestBatch(3);
    metrics.ingestBatch(3);
    metrics.ingestBatch(200);
    String text = metrics.scrape();
    assertTrue(
        text.contains(
            """
        bgevl_ingest_batch_size_bucket{le="1"} 1
        bgevl_ingest_batch_size_bucket{le="2"} 1
        bgevl_ingest_batch_size_bucket{le="4"} 3
        bgevl_ingest_batch_size_bucket{le="8"} 3
        bgevl_ingest_batch_size_bucket{le="16"} 3
        bgevl_ingest_batch_size_bucket{le="32"} 3
        bgevl_ingest_batch_size_bucket{le="64"} 3
        bgevl_ingest_batch_size_bucket{le="128"} 3
        bgevl_ingest_batch_size_bucket{le="+Inf"} 4
        bgevl_ingest_batch_size_sum 207
        bgevl_ingest_batch_size_count 4
        """),
        text);
    assertTrue(text.contains("bgevl_ingest_batches_total 4\n"));
  }

  @Test
  void shouldExportNanosecondTimingsInSeconds() {
    metrics.milvusUpsert(5_000_000); // 5 ms: on the 0.005 bound, which is inclusive
    metrics.milvusUpsert(1_500_000_000L);
    String text = metrics.scrape();
    assertTrue(text.contains("bgevl_milvus_upsert_seconds_bucket{le=\"0.0025\"} 0\n"), text);
    assertTrue(text.contains("bgevl_milvus_upsert_seconds_bucket{le=\"0.005\"} 1\n"), text);
    assertTrue(text.contains("bgevl_milvus_upsert_seconds_bucket{le=\"1\"} 1\n"), text);
    assertTrue(text.contains("bgevl_milvus_upsert_seconds_bucket{le=\"2.5\"} 2\n"), text);
    assertTrue(text.contains("bgevl_milvus_upsert_seconds_sum 1.505\n"), text);
    assertTrue(text.contains("bgevl_milvus_upsert_seconds_count 2\n"), text);
  }

  @Test
  void shouldCountRepliesByStatusWithLatencyInSeconds() {
    metrics.queryRequest();
    metrics.queryRequest();
    metrics.queryReply(ReplyStatus.OK, 40);
    metrics.queryReply(ReplyStatus.INVALID_REQUEST, -3);
    String text = metrics.scrape();
    assertTrue(text.contains("bgevl_query_requests_total 2\n"));
    assertTrue(text.contains("bgevl_query_replies_total{status=\"OK\"} 1\n"));
    assertTrue(text.contains("bgevl_query_replies_total{status=\"INVALID_REQUEST\"} 1\n"));
    assertTrue(text.contains("bgevl_query_seconds_bucket{le=\"0.005\"} 1\n"), text);
    assertTrue(text.contains("bgevl_query_seconds_bucket{le=\"0.05\"} 2\n"), text);
    assertTrue(text.contains("bgevl_query_seconds_sum 0.04\n"), text);
  }

  @Test
  void shouldFeedEncoderMetricsFromBatchListener() {
    BatchListener listener = metrics.batchListener();
    listener.onBatch(10, 3, 2_000_000, 200_000_000);
    listener.onBatchFailed(4, new IllegalStateException("boom"));
    listener.onDeadlineExceeded(Lane.QUERY, 5);
    listener.onOverloaded(Lane.INGEST);
    listener.onOverloaded(Lane.INGEST);
    String text = metrics.scrape();
    assertTrue(text.contains("bgevl_encoder_batch_size_bucket{le=\"16\"} 1\n"), text);
    assertTrue(text.contains("bgevl_encoder_batch_size_sum 10\n"), text);
    assertTrue(text.contains("bgevl_encoder_queue_wait_seconds_sum 0.002\n"), text);
    assertTrue(text.contains("bgevl_encoder_seconds_sum 0.2\n"), text);
    assertTrue(text.contains("bgevl_encoder_items_total{lane=\"QUERY\"} 3\n"), text);
    assertTrue(text.contains("bgevl_encoder_items_total{lane=\"INGEST\"} 7\n"), text);
    assertTrue(text.contains("bgevl_encoder_failed_batches_total 1\n"), text);
    assertTrue(text.contains("bgevl_encoder_deadline_exceeded_total{lane=\"QUERY\"} 1\n"), text);
    assertTrue(text.contains("bgevl_encoder_overloaded_total{lane=\"INGEST\"} 2\n"), text);
  }

  @Test
  void shouldExportEncoderQueueDepthPerLaneOnlyOnceABatcherIsRegistered() {
    String before = metrics.scrape();
    assertTrue(before.contains("# TYPE bgevl_encoder_queue_depth gauge\n"), before);
    assertFalse(before.contains("bgevl_encoder_queue_depth{"), before);
    assertFalse(before.contains("\nbgevl_encoder_queue_capacity "), before);

    Map<Lane, Integer> queued = new EnumMap<>(Map.of(Lane.QUERY, 2, Lane.INGEST, 5));
    metrics.registerEncoderQueue(queued::get, 64);
    String text = metrics.scrape();
    assertTrue(text.contains("bgevl_encoder_queue_depth{lane=\"QUERY\"} 2\n"), text);
    assertTrue(text.contains("bgevl_encoder_queue_depth{lane=\"INGEST\"} 5\n"), text);
    assertTrue(text.contains("bgevl_encoder_queue_capacity 64\n"), text);

    // read at every scrape, not copied at registration
    queued.put(Lane.INGEST, 0);
    assertTrue(metrics.scrape().contains("bgevl_encoder_queue_depth{lane=\"INGEST\"} 0\n"));
  }

  @Test
  void shouldAddUpCountsFromEightThreads() throws Exception {
    int threads = 8;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    metrics.ingestEventIn();
                    metrics.deadLetter(DeadLetterReason.NO_CONTENT);
                    metrics.ingestBatch(2);
                    metrics.batchListener().onOverloaded(Lane.QUERY);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    long total = (long) threads * perThread;
    String text = metrics.scrape();
    assertTrue(text.contains("bgevl_ingest_events_in_total " + total + "\n"));
    assertTrue(text.contains("bgevl_dead_letters_total{reason=\"NO_CONTENT\"} " + total + "\n"));
    assertTrue(text.contains("bgevl_ingest_batch_size_count " + total + "\n"));
    assertTrue(text.contains("bgevl_ingest_batch_size_sum " + 2 * total + "\n"));
    assertTrue(text.contains("bgevl_encoder_overloaded_total{lane=\"QUERY\"} " + total + "\n"));
  }

  @Test
  void shouldRefuseToCountBackwards() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> metrics.ingestVectorsOut(-1));
  }

  @Test
  void shouldCountVectorsAndDeletes() {
    metrics.ingestVectorsOut(5);
    metrics.ingestDeletes(2);
    String text = metrics.scrape();
    assertEquals(1, count(text, "bgevl_ingest_vectors_out_total 5\n"));
    assertEquals(1, count(text, "bgevl_ingest_deletes_total 2\n"));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
