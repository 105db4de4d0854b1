package dev.bgevl.streams.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where a benchmark's results go: JSON lines ({@code results.jsonl}) and the readable report
 * ({@code report.txt}, also printed to stdout) in one results folder.
 */
final class BenchOutput implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Writer jsonLines;
  private final Writer report;

  BenchOutput(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.jsonLines = Files.newBufferedWriter(dir.resolve("results.jsonl"), StandardCharsets.UTF_8);
    this.report = Files.newBufferedWriter(dir.resolve("report.txt"), StandardCharsets.UTF_8);
  }

  void emit(Map<String, Object> line) {
    try {
      jsonLines.write(JSON.writeValueAsString(line));
      jsonLines.write('\n');
      jsonLines.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One line of the report, {@link String#format} style with the root locale. */
  void println(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    System.out.println(line);
    try {
      report.write(line);
      report.write('\n');
      report.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      jsonLines.close();
    } finally {
      report.close();
    }
  }
}
