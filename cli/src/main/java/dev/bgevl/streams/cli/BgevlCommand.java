package dev.bgevl.streams.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bgevl}: the service and its tools. Exit codes are returned, never {@code System.exit}ed,
 * below {@link #main}.
 */
@Command(
    name = "bgevl",
    mixinStandardHelpOptions = true,
    version = "bgevl-streams 0.1.0",
    description =
        "Kafka Streams to BGE-VL embeddings in Milvus, and composed image retrieval over Kafka.",
    subcommands = {RunCommand.class, ProduceCommand.class, QueryCommand.class})
public final class BgevlCommand {

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
    return commandLine(environment, out, err).execute(args);
  }

  /**
   * The command line with every production command plus {@code extraCommands} (the local stack's
   * launcher adds {@code local}), reading {@code APP_} variables from {@code environment}.
   */
  public static CommandLine commandLine(
      Map<String, String> environment, PrintWriter out, PrintWriter err, Object... extraCommands) {
    CommandLine cli = new CommandLine(new BgevlCommand());
    for (Object command : extraCommands) {
      cli.addSubcommand(command);
    }
    // the settings below reach the subcommands that exist when they are made, so they come after
    // the last one
    cli.setDefaultValueProvider(new EnvironmentDefaults(environment, Map.of()));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // configuration and start-up errors are for people: one line, no stack trace
          commandLine
              .getErr()
              .println("bgevl " + commandLine.getCommandName() + ": " + e.getMessage());
          return e instanceof IllegalArgumentException
              ? CommandLine.ExitCode.USAGE
              : CommandLine.ExitCode.SOFTWARE;
        });
    return cli;
  }
}
