package dev.bgevl.streams.local;

import dev.bgevl.streams.cli.BgevlCommand;
import dev.bgevl.streams.cli.EnvironmentDefaults;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code bgevl} with every command, {@code local} included: the launcher {@code ./bgevl} runs. The
 * production jar ({@code bgevl-streams.jar}, the cli module) has the same commands but {@code
 * local}, so it carries no broker.
 */
public final class BgevlLocal {

  private BgevlLocal() {}

  public static void main(String[] args) {
    System.exit(
        execute(
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true),
            args));
  }

  /** Runs one command line with the given environment (for APP_ variables) and output streams. */
  public static int execute(
      Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = BgevlCommand.commandLine(environment, out, err, new LocalCommand());
    // local serves a laptop: its own defaults, so its --help shows what it really uses
    cli.getSubcommands()
        .get("local")
        .setDefaultValueProvider(new EnvironmentDefaults(environment, LocalCommand.DEFAULTS));
    return cli.execute(args);
  }
}
