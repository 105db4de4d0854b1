package dev.bgevl.streams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the collector on Kafka's own metric registry, the classes {@code KafkaStreams.metrics()}
 * hands out.
 */
class KafkaStreamsCollectorTest {
  private static final String CONSUMER = "bgevl-ingest-1-StreamThread-1-consumer";
  private static final String THREAD = "bgevl-ingest-1-StreamThread-1";

  private final Metrics ingest = new Metrics();
  private final Metrics query = new Metrics();
  private final ServiceMetrics metrics = new ServiceMetrics();

  @AfterEach
  void close() {
    ingest.close();
    query.close();
  }

  private static void constant(
      Metrics registry, String name, String group, Map<String, String> tags, double value) {
    registry.addMetric(registry.metricName(name, group, tags), (Measurable) (config, now) -> value);
  }

  @Test
  void shouldExportConsumerLagPerClientAndPartitionWithAppLabel() {
    constant(
        ingest,
        "records-lag-max",
        "consumer-fetch-manager-metrics",
        Map.of("client-id", CONSUMER),
        42);
    constant(
        ingest,
        "records-lag",
        "consumer-fetch-manager-metrics",
        Map.of("client-id", CONSUMER, "topic", "media-events", "partition", "2"),
        7);
    metrics.registerStreams("ingest", ingest::metrics);
    String text = metrics.scrape();
    assertTrue(text.contains("# TYPE bgevl_streams_consumer_records_lag_max gauge\n"), text);
    assertTrue(
        text.contains(
            "bgevl_streams_consumer_records_lag_max{app=\"ingest\",client_id=\""
                + CONSUMER
                + "\"} 42\n"),
        text);
    assertTrue(
        text.contains(
            "bgevl_streams_consumer_records_lag{app=\"ingest\",client_id=\""
                + CONSUMER
                + "\",partition=\"2\",topic=\"media-events\"} 7\n"),
        text);
  }

  @Test
  void shouldExportThreadMetricsFromRealSensorsWithMillisecondsAsSeconds() {
    Map<String, String> tags = Map.of("thread-id", THREAD);
    Sensor commit = ingest.sensor("commit");
    commit.add(ingest.metricName("commit-latency-avg", "stream-thread-metrics", tags), new Avg());
    commit.add(ingest.metricName("commit-latency-max", "stream-thread-metrics", tags), new Max());
    commit.record(20);
    commit.record(40);
    constant(ingest, "process-rate", "stream-thread-metrics", tags, 12.5);
    metrics.registerStreams("ingest", ingest::metrics);
    String text = metrics.scrape();
    assertTrue(
        text.contains(
            "bgevl_streams_thread_commit_latency_avg_seconds{app=\"ingest\",thread_id=\""
                + THREAD
                + "\"} 0.03\n"),
        text);
    assertTrue(
        text.contains(
            "bgevl_streams_thread_commit_latency_max_seconds{app=\"ingest\",thread_id=\""
                + THREAD
                + "\"} 0.04\n"),
        text);
    assertTrue(
        text.contains(
            "bgevl_streams_thread_process_rate{app=\"ingest\",thread_id=\""
                + THREAD
                + "\"} 12.5\n"),
        text);
  }

  @Test
  void shouldExportThreadCountsOfEveryRegisteredApp() {
    constant(
        ingest, "alive-stream-threads", "stream-metrics", Map.of("client-id", "bgevl-ingest-1"), 2);
    constant(
        query, "alive-stream-threads", "stream-metrics", Map.of("client-id", "bgevl-query-1"), 1);
    constant(
        query, "failed-stream-threads", "stream-metrics", Map.of("client-id", "bgevl-query-1"), 3);
    metrics.registerStreams("ingest", ingest::metrics);
    metrics.registerStreams("query", query::metrics);
    String text = metrics.scrape();
    int ingestLine =
        text.indexOf(
            "bgevl_streams_alive_threads{app=\"ingest\",client_id=\"bgevl-ingest-1\"} 2\n");
    int queryLine =
        text.indexOf("bgevl_streams_alive_threads{app=\"query\",client_id=\"bgevl-query-1\"} 1\n");
    assertTrue(ingestLine > 0 && queryLine > ingestLine, text);
    assertEquals(1, text.split("# TYPE bgevl_streams_alive_threads gauge\n", -1).length - 1);
    assertTrue(
        text.contains(
            "bgevl_streams_failed_threads{app=\"query\",client_id=\"bgevl-query-1\"} 3\n"),
        text);
  }

  @Test
  void shouldSkipUnselectedAndNonNumericMetrics() {
    constant(
        ingest,
        "records-consumed-rate",
        "consumer-fetch-manager-metrics",
        Map.of("client-id", CONSUMER),
        9);
    constant(
        ingest,
        "process-rate",
        "stream-processor-node-metrics",
        Map.of("processor-node-id", "x"),
        9);
    ingest.addMetric(
        ingest.metricName("client-state", "stream-metrics", Map.of()),
        (Gauge<String>) (config, now) -> "RUNNING");
    ingest.addMetric(
        ingest.metricName("alive-stream-threads", "stream-metrics", Map.of()),
        (Gauge<String>) (config, now) -> "not a number");
    metrics.registerStreams("ingest", ingest::metrics);
    String text = metrics.scrape();
    assertFalse(text.contains("app=\"ingest\""), text);
    assertFalse(text.contains("RUNNING"), text);
  }

  @Test
  void shouldWriteNaNAndEscapeTagValues() {
    constant(
        ingest,
        "records-lag-max",
        "consumer-fetch-manager-metrics",
        Map.of("client-id", "a\"b\\c\nd"),
        Double.NaN);
    metrics.registerStreams("ingest", ingest::metrics);
    String text = metrics.scrape();
    assertTrue(
        text.contains(
            "bgevl_streams_consumer_records_lag_max{app=\"ingest\",client_id=\"a\\\"b\\\\c\\nd\"} NaN\n"),
        text);
  }

  @Test
  void shouldKeepScrapingWhenOneAppsMetricsFail() {
    constant(query, "alive-stream-threads", "stream-metrics", Map.of("client-id", "q"), 1);
    metrics.registerStreams(
        "ingest",
        () -> {
          throw new IllegalStateException("closed");
        });
    metrics.registerStreams("query", query::metrics);
    assertTrue(
        metrics
            .scrape()
            .contains("bgevl_streams_alive_threads{app=\"query\",client_id=\"q\"} 1\n"));
  }
}
