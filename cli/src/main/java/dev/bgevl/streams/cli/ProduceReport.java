package dev.bgevl.streams.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;

/**
 * What {@code produce} did with each input: sent (acknowledged by the broker), failed (with the
 * reason) or skipped (with the reason). Sends complete on the producer's I/O thread, so the lists
 * are synchronized.
 */
final class ProduceReport {

  /** One input that did not go out, and why. */
  record Outcome(String what, String reason) {}

  private final List<Outcome> failed = Collections.synchronizedList(new ArrayList<>());
  private final List<Outcome> skipped = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger sent = new AtomicInteger();

  void failed(String what, String reason) {
    failed.add(new Outcome(what, reason));
  }

  void skipped(String what, String reason) {
    skipped.add(new Outcome(what, reason));
  }

  /**
   * A callback that records the broker's answer for {@code what}; {@code onSent} runs only on
   * success. Closing the producer waits for every answer, so after it the report is complete.
   */
  Callback pending(String what, Runnable onSent) {
    return (metadata, exception) -> {
      if (exception == null) {
        sent.incrementAndGet();
        onSent.run();
      } else {
        failed(what, exception.getClass().getSimpleName() + ": " + exception.getMessage());
      }
    };
  }

  int sent() {
    return sent.get();
  }

  int failures() {
    return failed.size();
  }

  List<Outcome> failedOutcomes() {
    return List.copyOf(failed);
  }

  List<Outcome> skippedOutcomes() {
    return List.copyOf(skipped);
  }

  void printSkipped(PrintWriter err) {
    for (Outcome o : skippedOutcomes()) {
      err.println("SKIPPED " + o.what() + ": " + o.reason());
    }
    err.flush();
  }

  /** One line per failed or skipped input, then the summary. */
  void print(PrintWriter out, PrintWriter err, String topic) {
    for (Outcome o : failedOutcomes()) {
      err.println("FAILED  " + o.what() + ": " + o.reason());
    }
    printSkipped(err);
    out.printf("Sent %d, failed %d, skipped %d to %s%n", sent(), failures(), skipped.size(), topic);
    out.flush();
  }
}
