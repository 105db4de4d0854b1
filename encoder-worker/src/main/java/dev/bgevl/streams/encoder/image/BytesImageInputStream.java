package dev.bgevl.streams.encoder.image;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@code ImageInputStream} straight over a byte array. {@code ImageIO.createImageInputStream} on
 * a {@code ByteArrayInputStream} copies the bytes again into a cache (by default a temporary file),
 * which cost more than a millisecond per photo for data that is already in memory.
 */
final class BytesImageInputStream extends ImageInputStreamImpl {

  private final byte[] data;

  BytesImageInputStream(byte[] data) {
    this.data = data;
  }

  @Override
  public int read() {
    bitOffset = 0;
    return streamPos < data.length ? data[(int) streamPos++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    int left = data.length - (int) Math.min(streamPos, data.length);
    if (left <= 0) {
      return -1;
    }
    int n = Math.min(len, left);
    System.arraycopy(data, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  @Override
  public long length() {
    return data.length;
  }

  @Override
  public boolean isCached() {
    return true;
  }

  @Override
  public boolean isCachedMemory() {
    return true;
  }
}
