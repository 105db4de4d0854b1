package dev.bgevl.streams.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Reads option defaults from {@code APP_}-prefixed environment variables: {@code --milvus.uri} is
 * {@code APP_MILVUS_URI}, {@code --kafka.bootstrap-servers} is {@code APP_KAFKA_BOOTSTRAP_SERVERS}.
 * A flag on the command line wins over the environment, which wins over the built-in default.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

  private final Map<String, String> environment;
  private final Map<String, String> commandDefaults;

  /**
   * @param commandDefaults built-in defaults of one command that differ from the shared option's
   *     annotation, by long option name
   */
  public EnvironmentDefaults(Map<String, String> environment, Map<String, String> commandDefaults) {
    this.environment = Map.copyOf(environment);
    this.commandDefaults = Map.copyOf(commandDefaults);
  }

  /** The environment variable that sets {@code --option.name}. */
  static String variableFor(String longOptionName) {
    String bare = longOptionName.replaceFirst("^-+", "");
    return "APP_" + bare.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
    // --help and --version are actions, not settings: APP_HELP in a container must not print help
    // instead of running
    if (argSpec instanceof CommandLine.Model.OptionSpec option
        && !option.usageHelp()
        && !option.versionHelp()) {
      String value = environment.get(variableFor(option.longestName()));
      if (value != null) {
        return value;
      }
      String commandDefault = commandDefaults.get(option.longestName());
      if (commandDefault != null) {
        return commandDefault;
      }
    }
    return argSpec.defaultValue();
  }
}
