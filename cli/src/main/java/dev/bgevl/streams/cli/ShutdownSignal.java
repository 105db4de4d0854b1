package dev.bgevl.streams.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Blocks a long-running command until Ctrl-C (SIGINT/SIGTERM), then lets it close what it opened.
 */
public final class ShutdownSignal {

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  public ShutdownSignal() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    // keep the JVM alive until the command has closed everything in order
                    closed.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "bgevl-shutdown"));
  }

  public void await() throws InterruptedException {
    stop.await();
  }

  /** Called by the command when everything it opened is closed. */
  public void closed() {
    closed.countDown();
  }
}
