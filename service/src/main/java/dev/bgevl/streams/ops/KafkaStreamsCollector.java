package dev.bgevl.streams.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a fixed selection of the Kafka client metrics of each registered Kafka Streams
 * application (what {@code KafkaStreams.metrics()} returns) as {@code bgevl_streams_*} families
 * with an {@code app} label, the metric's tags as further labels ({@code client-id} → {@code
 * client_id}), and Kafka's milliseconds turned into seconds. Non-numeric metrics are skipped; NaN
 * (no data yet) is written as {@code NaN}.
 */
final class KafkaStreamsCollector implements MetricFamily {
  private static final Logger log = LoggerFactory.getLogger(KafkaStreamsCollector.class);

  private static final String CLIENT = "stream-metrics";
  private static final String THREAD = "stream-thread-metrics";
  private static final String FETCH = "consumer-fetch-manager-metrics";
  private static final double MILLIS = 1e3;

  /** One Kafka metric (group and name) and the family it is exported as. */
  record Selected(
      String group, String metric, String exported, String type, double perUnit, String help) {}

  /** Every exported Kafka Streams family, in the order written. */
  static final List<Selected> SELECTED =
      List.of(
          new Selected(
              CLIENT,
              "alive-stream-threads",
              "bgevl_streams_alive_threads",
              "gauge",
              1,
              "Stream threads currently alive."),
          new Selected(
              CLIENT,
              "failed-stream-threads",
              "bgevl_streams_failed_threads",
              "gauge",
              1,
              "Stream threads that died since the application started (each is replaced)."),
          new Selected(
              THREAD,
              "process-rate",
              "bgevl_streams_thread_process_rate",
              "gauge",
              1,
              "Records processed per second by a stream thread."),
          new Selected(
              THREAD,
              "process-total",
              "bgevl_streams_thread_process_total",
              "counter",
              1,
              "Records processed by a stream thread."),
          new Selected(
              THREAD,
              "commit-rate",
              "bgevl_streams_thread_commit_rate",
              "gauge",
              1,
              "Commits per second of a stream thread."),
          new Selected(
              THREAD,
              "commit-latency-avg",
              "bgevl_streams_thread_commit_latency_avg_seconds",
              "gauge",
              MILLIS,
              "Average commit time of a stream thread."),
          new Selected(
              THREAD,
              "commit-latency-max",
              "bgevl_streams_thread_commit_latency_max_seconds",
              "gauge",
              MILLIS,
              "Longest commit time of a stream thread."),
          new Selected(
              THREAD,
              "punctuate-latency-avg",
              "bgevl_streams_thread_punctuate_latency_avg_seconds",
              "gauge",
              MILLIS,
              "Average punctuation time of a stream thread (batch flushes run in punctuations)."),
          new Selected(
              THREAD,
              "punctuate-latency-max",
              "bgevl_streams_thread_punctuate_latency_max_seconds",
              "gauge",
              MILLIS,
              "Longest punctuation time of a stream thread (batch flushes run in punctuations)."),
          new Selected(
              FETCH,
              "records-lag-max",
              "bgevl_streams_consumer_records_lag_max",
              "gauge",
              1,
              "Largest lag in records of a consumer (per client, and per partition where tagged so)."),
          new Selected(
              FETCH,
              "records-lag",
              "bgevl_streams_consumer_records_lag",
              "gauge",
              1,
              "Lag in records of a consumer on one partition."));

  private final Map<String, Supplier<? extends Map<MetricName, ? extends Metric>>> apps =
      new ConcurrentSkipListMap<>();

  /** Adds (or replaces) the metrics of one application under {@code app}. */
  void register(String app, Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
    apps.put(app, metrics);
  }

  @Override
  public void writeTo(PrometheusWriter out) {
    Map<String, Selected> byKey = new LinkedHashMap<>();
    Map<Selected, List<Sample>> samples = new LinkedHashMap<>();
    for (Selected s : SELECTED) {
      byKey.put(s.group() + '/' + s.metric(), s);
      samples.put(s, new ArrayList<>());
    }
    apps.forEach((app, supplier) -> collect(app, supplier, byKey, samples));
    samples.forEach(
        (selected, list) -> {
          out.family(selected.exported(), selected.type(), selected.help());
          list.sort(Comparator.comparing(Sample::sortKey));
          list.forEach(s -> out.sample(selected.exported(), s.labels(), s.value()));
        });
  }

  private static void collect(
      String app,
      Supplier<? extends Map<MetricName, ? extends Metric>> supplier,
      Map<String, Selected> byKey,
      Map<Selected, List<Sample>> samples) {
    Map<MetricName, ? extends Metric> metrics;
    try {
      metrics = supplier.get();
    } catch (RuntimeException e) {
      log.debug("Kafka Streams metrics unavailable app={} error={}", app, e.toString());
      return;
    }
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      MetricName name = entry.getKey();
      Selected selected = byKey.get(name.group() + '/' + name.name());
      if (selected == null) {
        continue;
      }
      Object value;
      try {
        value = entry.getValue().metricValue();
      } catch (RuntimeException e) {
        log.debug("Kafka metric unreadable app={} metric={} error={}", app, name, e.toString());
        continue;
      }
      if (value instanceof Number number) {
        samples
            .get(selected)
            .add(new Sample(labels(app, name.tags()), number.doubleValue() / selected.perUnit()));
      }
    }
  }

  private static Map<String, String> labels(String app, Map<String, String> tags) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", app);
    // sorted, so every sample of a family lists its labels in the same order
    Map<String, String> sorted = new TreeMap<>();
    tags.forEach((k, v) -> sorted.put(PrometheusWriter.labelName(k), v));
    sorted.remove("app");
    labels.putAll(sorted);
    return labels;
  }

  /** One value with its labels. */
  private record Sample(Map<String, String> labels, double value) {
    String sortKey() {
      return labels.toString();
    }
  }
}
