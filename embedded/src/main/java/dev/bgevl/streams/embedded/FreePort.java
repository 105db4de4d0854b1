package dev.bgevl.streams.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Resolves port 0 to a concrete free port on 127.0.0.1. */
final class FreePort {

  private FreePort() {}

  /**
   * Returns {@code port} itself, or a port the OS just handed out when it is 0. Why not let Kafka
   * bind port 0: the static controller quorum names its port up front, and {@code
   * bootstrapServers()} must know the client port, which {@code KafkaRaftServer} does not expose.
   * Another process could grab the port between here and the bind; the bind then fails loudly.
   */
  static int resolve(int port) {
    if (port != 0) {
      return port;
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not find a free port on 127.0.0.1", e);
    }
  }
}
