package dev.bgevl.streams.embedded;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native Milvus Lite child process: start failures that explain themselves, a bounded stop, and
 * no orphan after the JVM.
 */
class EmbeddedMilvusServerIT {

  private static final Duration START = Duration.ofSeconds(30);

  @Test
  void shouldStopWithinItsBudgetAndStartAgainOnTheSamePort(@TempDir Path dataDir) {
    try (EmbeddedMilvusServer server =
        EmbeddedMilvusServer.start(
            venv(), dataDir, "127.0.0.1", EmbeddedMilvusServer.freePort(), START)) {
      long start = System.nanoTime();
      server.stop();
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;

      assertFalse(server.isRunning());
      assertTrue(
          elapsedMs < EmbeddedMilvusServer.STOP_BUDGET.toMillis(),
          "stop took " + elapsedMs + " ms");
      server.restart();
      assertTrue(server.isRunning());
    }
  }

  @Test
  void shouldRunFromARelativeVenvPath(@TempDir Path dataDir) {
    Path relative = Path.of("").toAbsolutePath().relativize(venv().toAbsolutePath());
    try (EmbeddedMilvusServer server =
        EmbeddedMilvusServer.start(
            relative, dataDir, "127.0.0.1", EmbeddedMilvusServer.freePort(), START)) {
      assertTrue(server.isRunning());
    }
  }

  @Test
  void shouldRefuseToStartOnAPortInUse(@TempDir Path root) {
    try (EmbeddedMilvusServer first =
        EmbeddedMilvusServer.start(
            venv(), root.resolve("a"), "127.0.0.1", EmbeddedMilvusServer.freePort(), START)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  EmbeddedMilvusServer.start(
                      venv(), root.resolve("b"), "127.0.0.1", first.port(), START));

      assertTrue(e.getMessage().contains("is in use"), e.getMessage());
    }
  }

  @Test
  void shouldRefuseADataDirectoryAnotherServerHolds(@TempDir Path dataDir) {
    try (EmbeddedMilvusServer first =
        EmbeddedMilvusServer.start(
            venv(), dataDir, "127.0.0.1", EmbeddedMilvusServer.freePort(), START)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  EmbeddedMilvusServer.start(
                      venv(), dataDir, "127.0.0.1", EmbeddedMilvusServer.freePort(), START));

      assertTrue(
          e.getMessage().contains("is in use by another Milvus Lite server"), e.getMessage());
      assertTrue(first.isRunning());
    }
  }

  @Test
  void shouldReportTheLogTailWhenTheServerDiesOnStart(@TempDir Path dataDir) throws IOException {
    // a folder where the database file should be: the engine cannot open its storage and exits at
    // once
    Files.createDirectories(dataDir.resolve(EmbeddedMilvusServer.DB_FILE));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                EmbeddedMilvusServer.start(
                    venv(), dataDir, "127.0.0.1", EmbeddedMilvusServer.freePort(), START));

    assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
    assertTrue(e.getMessage().contains("last lines of"), e.getMessage());
    assertTrue(e.getMessage().contains("Open storage failed"), e.getMessage());
  }

  @Test
  void shouldExplainAMissingVenv(@TempDir Path empty) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                EmbeddedMilvusServer.start(
                    empty,
                    empty.resolve("data"),
                    "127.0.0.1",
                    EmbeddedMilvusServer.freePort(),
                    Duration.ofSeconds(5)));

    assertTrue(e.getMessage().contains("tools/setup-venv.sh"), e.getMessage());
  }

  @Test
  void shouldStopTheServerGracefullyWhenTheJvmExits(@TempDir Path dataDir) throws Exception {
    Path log = dataDir.resolve("child.log");
    Process child = startChild(dataDir.resolve("milvus"), log, "exit");
    try {
      ProcessHandle engine = awaitEngine(child, log);
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM did not exit; log:\n" + read(log));

      assertFalse(engine.isAlive(), "Milvus Lite outlived the JVM; log:\n" + read(log));
      assertTrue(read(log).contains("Stopped Milvus Lite"), read(log));
    } finally {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }
  }

  @Test
  void shouldStopTheServerWhenTheJvmIsKilled(@TempDir Path dataDir) throws Exception {
    Path log = dataDir.resolve("child.log");
    Process child = startChild(dataDir.resolve("milvus"), log, "wait");
    try {
      ProcessHandle engine = awaitEngine(child, log);
      // SIGKILL: no hook runs, but the OS frees the JVM's lock and the engine stops by itself
      child.destroyForcibly();
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));

      assertTrue(exits(engine, Duration.ofSeconds(5)), "Milvus Lite outlived a killed JVM");
    } finally {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }
  }

  private static Process startChild(Path dataDir, Path log, String mode) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return new ProcessBuilder(
            List.of(
                java,
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName(),
                venv().toString(),
                dataDir.toString(),
                mode))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private static ProcessHandle awaitEngine(Process child, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher ready = Child.READY.matcher(read(log));
      if (ready.find()) {
        // the child prints the engine's pid: in "exit" mode it may be gone before we could list its
        // children
        return ProcessHandle.of(Long.parseLong(ready.group(1)))
            .orElseThrow(() -> new AssertionError("engine already gone; log:\n" + read(log)));
      }
      if (!child.isAlive()) {
        throw new AssertionError("child JVM died before the server was ready; log:\n" + read(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("server not ready in the child JVM; log:\n" + read(log));
  }

  private static boolean exits(ProcessHandle process, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return !process.isAlive();
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * A JVM that starts the server, then exits without stopping it ({@code exit}) or waits to be
   * killed ({@code wait}).
   */
  static final class Child {
    static final Pattern READY = Pattern.compile("CHILD-READY engine=(\\d+)");

    public static void main(String[] args) throws InterruptedException {
      EmbeddedMilvusServer.start(
          Path.of(args[0]), Path.of(args[1]), "127.0.0.1", EmbeddedMilvusServer.freePort(), START);
      long engine = ProcessHandle.current().children().findFirst().orElseThrow().pid();
      System.out.println("CHILD-READY engine=" + engine);
      System.out.flush();
      if (args[2].equals("exit")) {
        Thread.sleep(500); // the test finds the engine before it goes
        System.exit(0);
      }
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /**
   * The venv holding the embedded Milvus (system property {@code bgevl.venv}, set by surefire and
   * failsafe).
   */
  static Path venv() {
    String property = System.getProperty("bgevl.venv");
    return property == null || property.isBlank()
        ? Path.of("..", ".venv").toAbsolutePath().normalize()
        : Path.of(property);
  }
}
