package dev.bgevl.streams.schemas.serde;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The one record-size limit of the protocol ({@code --kafka.max-record-bytes}) and every Kafka
 * setting derived from it.
 *
 * <p>An input record (key + value + headers, uncompressed) of at most {@link #maxRecordBytes()} is
 * accepted; a larger one is refused with a reason and never copied. Whatever the service writes on
 * a record's behalf (its changelogged pending copy, a dead letter with its bytes, a reply) fits
 * {@link #internalRecordBytes()}: the input limit plus a fixed {@link #OVERHEAD_BYTES} for our own
 * headers and framing. Producers, topics and the embedded broker are configured from that second
 * number, so no write the service makes can be refused for its size.
 *
 * @param maxRecordBytes the largest input record accepted, in bytes
 */
public record RecordLimits(int maxRecordBytes) {

  /** Room for what we add to an input record: store framing, dead-letter headers, reply headers. */
  public static final int OVERHEAD_BYTES = 256 * 1024;

  /**
   * 24 MiB: a 16 MiB image (the default {@code --encoder.image.max-bytes}) is 21.4 MiB as base64 in
   * JSON; the rest leaves room for a caption, metadata and headers.
   */
  public static final int DEFAULT_MAX_RECORD_BYTES = 24 * 1024 * 1024;

  /** The smallest limit we accept: Kafka's own 1 MiB default. */
  public static final int MIN_MAX_RECORD_BYTES = 1024 * 1024;

  /** Below 2 GiB minus our overhead, so every derived value is still an int. */
  public static final int MAX_MAX_RECORD_BYTES = 1024 * 1024 * 1024;

  /**
   * Compression our producers use unless told otherwise: base64 image bytes in JSON shrink by about
   * a quarter.
   */
  public static final String COMPRESSION = "zstd";

  /** The default limits. */
  public static final RecordLimits DEFAULT = new RecordLimits(DEFAULT_MAX_RECORD_BYTES);

  public RecordLimits {
    if (maxRecordBytes < MIN_MAX_RECORD_BYTES || maxRecordBytes > MAX_MAX_RECORD_BYTES) {
      throw new IllegalArgumentException(
          "kafka.max-record-bytes must be in "
              + MIN_MAX_RECORD_BYTES
              + ".."
              + MAX_MAX_RECORD_BYTES
              + ", got "
              + maxRecordBytes);
    }
  }

  /**
   * The largest record the service itself writes: producers' {@code max.request.size}, topics'
   * {@code max.message.bytes}.
   */
  public int internalRecordBytes() {
    return maxRecordBytes + OVERHEAD_BYTES;
  }

  /**
   * Whether a record of this size may be accepted (copied into a store, a dead letter or a reply).
   */
  public boolean accepts(long recordBytes) {
    return recordBytes <= maxRecordBytes;
  }

  /**
   * Producer settings that let every record up to {@link #internalRecordBytes()} through,
   * compressed with {@link #COMPRESSION}; properties in {@code given} win, so {@code
   * --kafka.property} can still override each.
   */
  public Map<String, Object> producerDefaults(Map<?, ?> given) {
    Map<String, Object> p = new LinkedHashMap<>();
    putUnlessGiven(p, given, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, internalRecordBytes());
    putUnlessGiven(p, given, ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
    // the producer holds a whole record in its buffer: two of the largest must fit, or sends block
    putUnlessGiven(
        p,
        given,
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        Math.max(32L * 1024 * 1024, 2L * internalRecordBytes()));
    return p;
  }

  /** Consumer settings that fetch the largest record the service writes in one response. */
  public Map<String, Object> consumerDefaults(Map<?, ?> given) {
    Map<String, Object> p = new LinkedHashMap<>();
    // Kafka's default (50 MiB) already returns a larger first batch; raising it keeps one big
    // record per fetch possible
    putUnlessGiven(
        p,
        given,
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
        Math.max(52_428_800, internalRecordBytes()));
    return p;
  }

  /** Producer settings applied to a {@link Properties} in place, keeping what it already says. */
  public Properties withProducerDefaults(Properties given) {
    Properties p = new Properties();
    p.putAll(given);
    p.putAll(producerDefaults(given));
    return p;
  }

  /** Topic configs for every topic the service creates or Streams creates for it. */
  public Map<String, String> topicConfigs() {
    return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(internalRecordBytes()));
  }

  /** Broker settings of a broker we run ourselves: it accepts what our producers send. */
  public Map<String, String> brokerProperties() {
    String bytes = Integer.toString(internalRecordBytes());
    return Map.of("message.max.bytes", bytes, "replica.fetch.max.bytes", bytes);
  }

  /**
   * The uncompressed size of a record as Kafka's producer counts it, less the few bytes of its own
   * framing.
   */
  public static long sizeOf(byte[] key, byte[] value, Headers headers) {
    long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    if (headers != null) {
      for (Header h : headers) {
        size +=
            h.key().getBytes(StandardCharsets.UTF_8).length
                + (h.value() == null ? 0 : h.value().length);
      }
    }
    return size;
  }

  private static void putUnlessGiven(
      Map<String, Object> out, Map<?, ?> given, String key, Object value) {
    if (given == null || !given.containsKey(key)) {
      out.put(key, value);
    }
  }
}
