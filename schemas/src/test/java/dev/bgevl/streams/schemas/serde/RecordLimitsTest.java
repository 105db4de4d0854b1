package dev.bgevl.streams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RecordLimitsTest {

  @Test
  void shouldFitASixteenMebibyteImageAsJsonByDefault() {
    long base64 = 4L * ((16L << 20) + 2) / 3;
    assertTrue(
        RecordLimits.DEFAULT.accepts(base64 + 64 * 1024),
        "the documented image limit is reachable inline");
  }

  @Test
  void shouldAcceptUpToTheLimitAndNotOneByteMore() {
    RecordLimits limits = new RecordLimits(2 << 20);
    assertTrue(limits.accepts(2 << 20));
    assertFalse(limits.accepts((2 << 20) + 1));
  }

  @Test
  void shouldDeriveEveryWriteLimitFromTheInputLimitPlusOverhead() {
    RecordLimits limits = new RecordLimits(4 << 20);
    int internal = (4 << 20) + RecordLimits.OVERHEAD_BYTES;
    assertEquals(internal, limits.internalRecordBytes());
    assertEquals(internal, limits.producerDefaults(Map.of()).get("max.request.size"));
    assertEquals(
        RecordLimits.COMPRESSION, limits.producerDefaults(Map.of()).get("compression.type"));
    assertEquals(Integer.toString(internal), limits.topicConfigs().get("max.message.bytes"));
    assertEquals(Integer.toString(internal), limits.brokerProperties().get("message.max.bytes"));
    assertTrue((long) limits.producerDefaults(Map.of()).get("buffer.memory") >= 2L * internal);
  }

  @Test
  void shouldLetGivenProducerPropertiesWin() {
    Properties given = new Properties();
    given.put("compression.type", "lz4");
    Properties p = RecordLimits.DEFAULT.withProducerDefaults(given);
    assertEquals("lz4", p.get("compression.type"));
    assertEquals(RecordLimits.DEFAULT.internalRecordBytes(), p.get("max.request.size"));
  }

  @Test
  void shouldRefuseLimitsBelowKafkasDefaultWithTheFlagName() {
    var e = assertThrows(IllegalArgumentException.class, () -> new RecordLimits(1000));
    assertTrue(e.getMessage().contains("kafka.max-record-bytes"), e.getMessage());
  }

  @Test
  void shouldCountKeyValueAndHeaders() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("h", new byte[10]);
    assertEquals(
        3 + 5 + 1 + 10,
        RecordLimits.sizeOf("abc".getBytes(StandardCharsets.UTF_8), new byte[5], headers));
    assertEquals(0, RecordLimits.sizeOf(null, null, null));
  }
}
