package dev.bgevl.streams.ops;

/**
 * Where the ops HTTP server listens ({@code --ops.port}): {@code -1} turns it off, {@code 0} takes
 * any free port (tests, several local services on one host), anything else is bound on all
 * interfaces.
 */
public record OpsConfig(int port) {

  /** The port a deployment scrapes and probes unless told otherwise. */
  public static final int DEFAULT_PORT = 8080;

  /** No ops server: nothing is bound. */
  public static final OpsConfig DISABLED = new OpsConfig(-1);

  public OpsConfig {
    if (port < -1 || port > 65_535) {
      throw new IllegalArgumentException(
          "--ops.port must be -1 (off), 0 (any free port) or 1..65535, got " + port);
    }
  }

  /** Whether an ops server is to be started at all. */
  public boolean enabled() {
    return port >= 0;
  }
}
