package dev.bgevl.streams.deadletter;

import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Where a dead letter comes from: the source record's coordinates and its raw bytes and headers,
 * exactly as read.
 */
public record SourceRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    Headers headers) {

  /**
   * The record a processor is handling, as read: its coordinates, raw bytes and a copy of its
   * headers (the processor may change the record's own).
   */
  public static SourceRecord of(RecordMetadata meta, Record<byte[], byte[]> record) {
    return new SourceRecord(
        meta.topic(),
        meta.partition(),
        meta.offset(),
        record.timestamp(),
        record.key(),
        record.value(),
        new RecordHeaders(record.headers().toArray()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceRecord s
        && topic.equals(s.topic)
        && partition == s.partition
        && offset == s.offset
        && timestamp == s.timestamp
        && Arrays.equals(key, s.key)
        && Arrays.equals(value, s.value)
        && Objects.equals(headers, s.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset);
  }

  @Override
  public String toString() {
    return "SourceRecord[" + topic + "-" + partition + "@" + offset + "]";
  }
}
