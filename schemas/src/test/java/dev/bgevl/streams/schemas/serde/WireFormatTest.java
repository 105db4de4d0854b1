package dev.bgevl.streams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void shouldDetectAvroByMagicByte() {
    assertEquals(Optional.of(WireFormat.AVRO), WireFormat.detect(new byte[] {0, 0, 0, 0, 1, 2}));
  }

  @Test
  void shouldDetectJsonObjectAfterWhitespaceAndByteOrderMark() {
    assertEquals(Optional.of(WireFormat.JSON), WireFormat.detect(utf8("{}")));
    assertEquals(Optional.of(WireFormat.JSON), WireFormat.detect(utf8(" \t\r\n{\"id\":\"a\"}")));
    assertEquals(Optional.of(WireFormat.JSON), WireFormat.detect(utf8("\uFEFF{\"id\":\"a\"}")));
  }

  @Test
  void shouldDetectNothingForOtherBytes() {
    assertEquals(Optional.empty(), WireFormat.detect(new byte[0]));
    assertEquals(Optional.empty(), WireFormat.detect(utf8("   ")));
    assertEquals(Optional.empty(), WireFormat.detect(utf8("[1]")));
    assertEquals(Optional.empty(), WireFormat.detect(new byte[] {1, 0, 0, 0, 1}));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
