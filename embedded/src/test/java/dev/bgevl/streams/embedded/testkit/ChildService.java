package dev.bgevl.streams.embedded.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bgevl run} in a child JVM on the test's class path, so a test can SIGKILL the whole
 * service mid-batch. Its stdout and stderr go to a log file the test prints on failure; {@link
 * #close()} always kills it.
 */
public final class ChildService implements AutoCloseable {

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final Process process;
  private final Path log;

  private ChildService(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The production command line's main class ({@code bgevl run | produce | query}). */
  public static final String CLI_MAIN = "dev.bgevl.streams.cli.BgevlCommand";

  /** The launcher's main class, which adds {@code bgevl local}. */
  public static final String LOCAL_MAIN = "dev.bgevl.streams.local.BgevlLocal";

  /**
   * Starts {@code bgevl run <runArguments>}; returns at once, while the service is still starting.
   */
  public static ChildService run(Path log, List<String> runArguments) {
    List<String> arguments = new ArrayList<>(List.of("run"));
    arguments.addAll(runArguments);
    return start(log, CLI_MAIN, arguments);
  }

  /**
   * Starts {@code mainClass <arguments>} on this JVM's class path (which must hold it); returns at
   * once. The test kit names the main classes, not their types: it sits below the modules that
   * define them.
   */
  public static ChildService start(Path log, String mainClass, List<String> arguments) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
    command.addAll(arguments);
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      return new ChildService(process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Whether the child's output so far contains {@code text}. */
  public boolean logContains(String text) {
    return log().contains(text);
  }

  /** Everything the child wrote so far. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * SIGTERM, as Ctrl-C or a container stop would: the shutdown hooks run and the service closes in
   * order.
   */
  public void terminate() {
    process.destroy();
  }

  /**
   * Waits for the child to exit; its exit code, or empty when it still runs after {@code timeout}.
   */
  public java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? java.util.OptionalInt.of(process.exitValue())
        : java.util.OptionalInt.empty();
  }

  /**
   * SIGKILL, as a crashed machine would: no shutdown hook, no clean close, no leaving the group.
   */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "child service pid=" + process.pid() + " still alive after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while killing child service pid=" + process.pid(), e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
