package dev.bgevl.streams.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoder that refuses any length or item count larger than the frame it reads.
 *
 * <p>Avro allocates a string, bytes or array as large as its length prefix says before reading it,
 * so one corrupt prefix could claim a gigabyte. No valid value in a frame is longer than the frame,
 * and every item in our contracts takes at least one byte, so the frame length is a safe bound.
 */
final class BoundedDecoder extends Decoder {

  private final Decoder in;
  private final long limit;

  BoundedDecoder(Decoder in, long limit) {
    this.in = in;
    this.limit = limit;
  }

  @Override
  public String readString() throws IOException {
    return new String(readLengthPrefixed(), StandardCharsets.UTF_8);
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    return new Utf8(readLengthPrefixed());
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return ByteBuffer.wrap(readLengthPrefixed());
  }

  @Override
  public long readArrayStart() throws IOException {
    return bounded(in.readArrayStart(), "array item count");
  }

  @Override
  public long arrayNext() throws IOException {
    return bounded(in.arrayNext(), "array item count");
  }

  @Override
  public long readMapStart() throws IOException {
    return bounded(in.readMapStart(), "map entry count");
  }

  @Override
  public long mapNext() throws IOException {
    return bounded(in.mapNext(), "map entry count");
  }

  // Avro binary writes strings and bytes as a long length, then the bytes.
  private byte[] readLengthPrefixed() throws IOException {
    long length = in.readLong();
    if (length < 0) {
      throw new IOException("negative length " + length);
    }
    byte[] bytes = new byte[(int) bounded(length, "length")];
    in.readFixed(bytes, 0, bytes.length);
    return bytes;
  }

  private long bounded(long value, String what) throws IOException {
    if (value > limit) {
      throw new IOException(what + " " + value + " exceeds the " + limit + "-byte frame");
    }
    return value;
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public void skipString() throws IOException {
    in.skipString();
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipBytes();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
