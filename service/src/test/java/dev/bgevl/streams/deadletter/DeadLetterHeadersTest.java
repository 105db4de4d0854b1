package dev.bgevl.streams.deadletter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.failure.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

  @Test
  void shouldNameAnOversizeRecordWithoutCarryingIt() {
    RecordHeaders original = new RecordHeaders();
    original.add("big", new byte[1000]);
    SourceRecord source =
        new SourceRecord(
            "media-events",
            2,
            42L,
            7L,
            "id-1".getBytes(StandardCharsets.UTF_8),
            "abc".getBytes(StandardCharsets.UTF_8),
            original);
    ProducerRecord<byte[], byte[]> letter =
        DeadLetterHeaders.reference(
            "dlq",
            source,
            1234,
            "ingest-apply",
            DeadLetterReason.RECORD_TOO_LARGE,
            "record is 1234 bytes");
    assertNull(letter.value());
    assertArrayEquals(source.key(), letter.key(), "a small key is kept to find the record by");
    assertNull(letter.headers().lastHeader("big"), "the record's own headers are left out");
    assertEquals(
        "RECORD_TOO_LARGE", DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.REASON));
    assertEquals("1234", DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.RECORD_SIZE));
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.RECORD_SHA256),
        "SHA-256 of \"abc\"");
    assertEquals("media-events", DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.TOPIC));
    assertEquals("2", DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.PARTITION));
    assertEquals("42", DeadLetterHeaders.read(letter.headers(), DeadLetterHeaders.OFFSET));
    assertEquals(7L, letter.timestamp());
  }

  @Test
  void shouldLeaveOutAKeyThatIsPartOfWhyTheRecordIsTooLarge() {
    SourceRecord source =
        new SourceRecord(
            "t",
            0,
            0L,
            0L,
            new byte[DeadLetterHeaders.MAX_REFERENCE_KEY_BYTES + 1],
            null,
            new RecordHeaders());
    assertNull(
        DeadLetterHeaders.reference("dlq", source, 1, "s", DeadLetterReason.RECORD_TOO_LARGE, "m")
            .key());
  }

  @Test
  void shouldBoundTheMessageAndStackTraceItCarries() {
    SourceRecord source = new SourceRecord("t", 0, 0L, 0L, null, new byte[1], new RecordHeaders());
    RuntimeException e = new RuntimeException("x".repeat(100_000));
    var headers = DeadLetterHeaders.headers(source, "s", DeadLetterReason.INTERNAL, e);
    String message = DeadLetterHeaders.read(headers, DeadLetterHeaders.MESSAGE);
    assertTrue(
        message.length() < DeadLetterHeaders.MAX_MESSAGE_CHARS + 100,
        "message length " + message.length());
    assertTrue(message.endsWith("(100000 chars)"), message.substring(message.length() - 30));
    assertTrue(
        DeadLetterHeaders.read(headers, DeadLetterHeaders.STACKTRACE).length()
            < DeadLetterHeaders.MAX_STACKTRACE_CHARS + 100);
  }
}
