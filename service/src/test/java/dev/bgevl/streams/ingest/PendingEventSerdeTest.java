package dev.bgevl.streams.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bgevl.streams.deadletter.SourceRecord;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class PendingEventSerdeTest {

  private final PendingEventSerde serde = new PendingEventSerde();

  @Test
  void shouldKeepRawBytesCoordinatesAndHeaders() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
    headers.add("empty", null);
    SourceRecord in =
        new SourceRecord(
            "media-events",
            3,
            42L,
            1_700_000_000_000L,
            "key-é".getBytes(StandardCharsets.UTF_8),
            new byte[] {0, 1, 2, (byte) 255},
            headers);
    SourceRecord out =
        serde
            .deserializer()
            .deserialize("changelog", serde.serializer().serialize("changelog", in));
    assertEquals(in, out);
    assertArrayEquals(
        "abc".getBytes(StandardCharsets.UTF_8), out.headers().lastHeader("trace").value());
    assertNull(out.headers().lastHeader("empty").value());
  }

  @Test
  void shouldKeepATombstoneAndAMissingKey() {
    SourceRecord in = new SourceRecord("t", 0, 0, 0, null, null, new RecordHeaders());
    SourceRecord out = serde.deserializer().deserialize("c", serde.serializer().serialize("c", in));
    assertNull(out.key());
    assertNull(out.value());
  }

  @Test
  void shouldRefuseAnUnknownFormatVersion() {
    byte[] bytes =
        serde
            .serializer()
            .serialize("c", new SourceRecord("t", 0, 0, 0, null, null, new RecordHeaders()));
    bytes[0] = 9;
    assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("c", bytes));
  }
}
