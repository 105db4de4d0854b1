package dev.bgevl.streams.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The launcher with every command: {@code local} is there, and its help shows the defaults it
 * really uses.
 */
class BgevlLocalTest {

  record Outcome(int code, String out, String err) {}

  static Outcome run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BgevlLocal.execute(env, new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void shouldOfferEveryCommandIncludingLocal() {
    Outcome o = run(Map.of(), "--help");
    assertEquals(0, o.code());
    for (String command : new String[] {"run", "local", "produce", "query"}) {
      assertTrue(o.out().contains(command), "help names " + command + ": " + o.out());
    }
  }

  @Test
  void shouldShowTheDefaultsLocalReallyUsesInItsHelp() {
    Outcome local = run(Map.of(), "local", "--help");
    assertEquals(0, local.code());
    String partitions = lineOf(local.out(), "--topics.partitions");
    assertTrue(partitions.contains("(default: 1)"), partitions);
    String stateDir = lineOf(local.out(), "--kafka.state-dir");
    assertTrue(stateDir.contains("(default: " + Path.of("data", "streams") + ")"), stateDir);
    assertTrue(local.out().contains("--local.data-dir"), local.out());
    assertTrue(
        !local.out().matches("(?s).*[^.]--data-dir.*"), "no flag named --data-dir: " + local.out());
    Outcome run = run(Map.of(), "run", "--help");
    assertTrue(lineOf(run.out(), "--topics.partitions").contains("(default: 3)"), run.out());
    assertEquals(0, run(Map.of(), "--help").code());
  }

  /** The help line of {@code option} with its wrapped continuation lines. */
  private static String lineOf(String help, String option) {
    int at = help.indexOf(option);
    assertTrue(at >= 0, option + " in help: " + help);
    int next = help.indexOf("\n  -", at + 1);
    return help.substring(at, next < 0 ? help.length() : next).replaceAll("\\s+", " ");
  }
}
