package dev.bgevl.streams.encoder.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch reference kept loaded in a {@code tools/bench_pytorch.py --serve} process, so the
 * harness can time it repetition by repetition between ours and bare ORT: host drift then lands on
 * all three sides alike instead of on PyTorch's, which used to run minutes after the Java sides.
 */
final class PyTorchWorker implements AutoCloseable {

  private final Process process;
  private final BufferedReader answers;
  private final Writer requests;
  private final String environment;

  private PyTorchWorker(Process process) throws IOException {
    this.process = process;
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.environment = answers.readLine();
    if (environment == null || !environment.startsWith("{")) {
      throw new IOException(
          "bench_pytorch.py --serve did not start (see its log); first line: " + environment);
    }
  }

  /** Starts {@code command} (the python, the script and its options), its stderr to {@code log}. */
  static PyTorchWorker start(List<String> command, Path log) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new PyTorchWorker(process);
  }

  /** The worker's environment record (versions, threads), one JSON object. */
  String environment() {
    return environment;
  }

  /**
   * Seconds the worker took for {@code calls} batch calls of {@code impl} ({@code pytorch} or
   * {@code pytorch-model}) on {@code modality} at {@code batch}, timed on its side.
   */
  double seconds(String impl, String modality, int batch, int calls, int firstCall) {
    try {
      requests.write(
          String.format(Locale.ROOT, "%s %s %d %d %d%n", impl, modality, batch, calls, firstCall));
      requests.flush();
      String answer = answers.readLine();
      if (answer == null) {
        throw new IOException("bench_pytorch.py --serve exited (see its log)");
      }
      return Double.parseDouble(answer.trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      requests.write("quit\n");
      requests.flush();
    } catch (IOException alreadyGone) {
      // exited on its own: nothing to tell it
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
