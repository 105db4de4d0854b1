package dev.bgevl.streams.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire frame around an Avro body: magic byte 0, then the writer's schema id as a
 * 4-byte big-endian int.
 */
final class ConfluentFrame {

  static final byte MAGIC_BYTE = 0;
  static final int HEADER_LENGTH = 1 + Integer.BYTES;

  private ConfluentFrame() {}

  static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_LENGTH).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /** The schema id of a frame whose magic byte the caller has already checked. */
  static int schemaId(String topic, byte[] frame) {
    if (frame.length < HEADER_LENGTH) {
      throw new SerializationException(
          "Truncated Avro frame on topic '"
              + topic
              + "': "
              + frame.length
              + " byte(s), need at least "
              + HEADER_LENGTH
              + " (magic byte and 4-byte schema id)");
    }
    return ByteBuffer.wrap(frame, 1, Integer.BYTES).getInt();
  }
}
