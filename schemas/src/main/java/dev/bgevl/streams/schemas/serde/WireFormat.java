package dev.bgevl.streams.schemas.serde;

import java.util.Optional;

/**
 * The two encodings a record may have on a topic; readers accept both, writers use the configured
 * one.
 */
public enum WireFormat {
  /** Confluent framing: magic byte 0, a 4-byte big-endian schema id, then the Avro binary body. */
  AVRO,
  /**
   * A UTF-8 JSON object whose field names are the Avro field names, as {@link AvroJsonCodec} reads
   * and writes it.
   */
  JSON;

  private static final int UTF8_BOM_LENGTH = 3;

  /**
   * The format announced by a record's first significant byte: {@code 0} for Avro, {@code '{'} (after JSON whitespace
   * and an optional UTF-8 byte-order mark) for JSON, empty for anything else, including no bytes at all.
   */
  public static Optional<WireFormat> detect(byte[] data) {
    if (data.length > 0 && data[0] == ConfluentFrame.MAGIC_BYTE) {
      return Optional.of(AVRO);
    }
    int i = hasUtf8Bom(data) ? UTF8_BOM_LENGTH : 0;
    while (i < data.length && isJsonWhitespace(data[i])) {
      i++;
    }
    return i < data.length && data[i] == '{' ? Optional.of(JSON) : Optional.empty();
  }

  private static boolean hasUtf8Bom(byte[] data) {
    return data.length >= UTF8_BOM_LENGTH
        && data[0] == (byte) 0xEF
        && data[1] == (byte) 0xBB
        && data[2] == (byte) 0xBF;
  }

  private static boolean isJsonWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
