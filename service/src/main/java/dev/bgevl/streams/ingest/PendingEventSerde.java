package dev.bgevl.streams.ingest;

import dev.bgevl.streams.deadletter.SourceRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@code ingest-pending} store's value format: a source record, raw bytes and coordinates, so a
 * flush can decode it, and dead-letter it byte for byte. Internal; version byte first.
 */
final class PendingEventSerde implements Serde<SourceRecord> {

  private static final byte VERSION = 1;

  @Override
  public Serializer<SourceRecord> serializer() {
    return (topic, r) -> {
      if (r == null) {
        return null;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + length(r.value()));
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        out.writeUTF(r.topic());
        out.writeInt(r.partition());
        out.writeLong(r.offset());
        out.writeLong(r.timestamp());
        writeBytes(out, r.key());
        writeBytes(out, r.value());
        Header[] headers = r.headers() == null ? new Header[0] : r.headers().toArray();
        out.writeInt(headers.length);
        for (Header h : headers) {
          writeBytes(out, h.key().getBytes(StandardCharsets.UTF_8));
          writeBytes(out, h.value());
        }
      } catch (IOException e) {
        throw new SerializationException("Cannot write pending event " + r, e);
      }
      return bytes.toByteArray();
    };
  }

  @Override
  public Deserializer<SourceRecord> deserializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
        byte version = in.readByte();
        if (version != VERSION) {
          throw new SerializationException("Unknown pending event format version " + version);
        }
        String source = in.readUTF();
        int partition = in.readInt();
        long offset = in.readLong();
        long timestamp = in.readLong();
        byte[] key = readBytes(in);
        byte[] value = readBytes(in);
        RecordHeaders headers = new RecordHeaders();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          headers.add(new String(readBytes(in), StandardCharsets.UTF_8), readBytes(in));
        }
        return new SourceRecord(source, partition, offset, timestamp, key, value, headers);
      } catch (IOException e) {
        throw new SerializationException("Corrupt pending event in " + topic, e);
      }
    };
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
