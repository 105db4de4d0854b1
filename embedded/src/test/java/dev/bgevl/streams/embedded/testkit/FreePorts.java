package dev.bgevl.streams.embedded.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for services a test starts in another process. */
public final class FreePorts {

  private FreePorts() {}

  /**
   * The first of two consecutive free ports: the embedded broker takes the port and its controller
   * the next one.
   */
  public static int pair() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          ServerSocket second =
              new ServerSocket(first.getLocalPort() + 1, 1, InetAddress.getLoopbackAddress())) {
        // both bound at once is the proof that both were free
        return second.getLocalPort() - 1;
      } catch (IOException taken) {
        // the successor is taken: try another pair
      }
    }
    throw new UncheckedIOException(
        new IOException("no two consecutive free ports on the loopback interface"));
  }
}
