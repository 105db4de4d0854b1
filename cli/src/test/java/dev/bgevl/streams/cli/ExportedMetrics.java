package dev.bgevl.streams.cli;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.encoder.ModelInfo;
import dev.bgevl.streams.encoder.batch.BatchListener;
import dev.bgevl.streams.encoder.batch.BatchPolicy;
import dev.bgevl.streams.encoder.batch.Lane;
import dev.bgevl.streams.encoder.batch.MicroBatcher;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the service's {@code /metrics} really holds, read from a scrape of a real {@link
 * ServiceMetrics} after one event of every kind, with a real {@link MicroBatcher} and a real (never
 * started) {@link KafkaStreams} registered as the service registers them: the families (name →
 * type) and the names that carry at least one sample.
 */
final class ExportedMetrics {
  // nothing listens here; the Kafka clients are built but never asked to connect for a scrape
  private static final String UNREACHABLE_BOOTSTRAP = "localhost:1";

  private final Map<String, String> familyTypes;
  private final Set<String> sampled;
  private final String scrape;

  private ExportedMetrics(String scrape) {
    this.scrape = scrape;
    this.familyTypes = new LinkedHashMap<>();
    this.sampled = new LinkedHashSet<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        familyTypes.put(parts[2], parts[3]);
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
        sampled.add(line.substring(0, end));
      }
    }
  }

  /** Records every kind of event once, registers both sources, and reads one scrape. */
  static ExportedMetrics scrape(Path stateDir) {
    ServiceMetrics metrics = new ServiceMetrics();
    recordOneOfEach(metrics);
    KafkaStreams streams = unstartedStreams(stateDir);
    try (MicroBatcher batcher =
        new MicroBatcher(new IdleEncoder(), BatchPolicy.DEFAULT, BatchListener.NONE)) {
      metrics.registerEncoderQueue(batcher);
      metrics.registerStreams("ingest", streams);
      return new ExportedMetrics(metrics.scrape());
    } finally {
      // close() would wait without a bound; nothing was started, so a short wait is plenty
      streams.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Every family of the scrape with its type ({@code counter}, {@code gauge}, {@code histogram}).
   */
  Map<String, String> familyTypes() {
    return familyTypes;
  }

  /**
   * Every series name with at least one sample ({@code _bucket}, {@code _sum}, {@code _count} too).
   */
  Set<String> sampled() {
    return sampled;
  }

  /** The scrape itself, for failure messages. */
  String text() {
    return scrape;
  }

  private static void recordOneOfEach(ServiceMetrics metrics) {
    metrics.ingestEventIn();
    metrics.ingestBatch(1);
    metrics.ingestVectorsOut(1);
    metrics.ingestDeletes(1);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      metrics.deadLetter(reason);
    }
    metrics.milvusUpsert(1_000_000);
    metrics.milvusDelete(1_000_000);
    metrics.milvusSearch(1_000_000);
    metrics.queryRequest();
    for (ReplyStatus status : ReplyStatus.values()) {
      metrics.queryReply(status, 10);
    }
    BatchListener encoder = metrics.batchListener();
    encoder.onBatch(2, 1, 1_000_000, 5_000_000);
    encoder.onBatchFailed(1, new IllegalStateException("one failed batch"));
    encoder.onDeadlineExceeded(Lane.QUERY, 1);
    encoder.onOverloaded(Lane.INGEST);
  }

  /**
   * A Kafka Streams client as the service builds one, against a bootstrap nobody answers: its
   * constructor creates the stream thread and its consumer, whose metrics are what the service
   * selects from.
   */
  private static KafkaStreams unstartedStreams(Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("dashboard-test-in").to("dashboard-test-out");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bgevl-dashboard-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, UNREACHABLE_BOOTSTRAP);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new KafkaStreams(builder.build(), props);
  }

  /** An encoder the batcher is never asked to use: the test submits nothing. */
  private static final class IdleEncoder implements Encoder {
    @Override
    public ModelInfo model() {
      return new ModelInfo("idle", 1);
    }

    @Override
    public List<EncodeResult> encode(List<EncodeInput> inputs) {
      throw new UnsupportedOperationException("nothing is submitted");
    }

    @Override
    public void close() {}
  }
}
