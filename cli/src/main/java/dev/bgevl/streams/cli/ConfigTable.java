package dev.bgevl.streams.cli;

import java.lang.reflect.Field;
import picocli.CommandLine.Option;

/**
 * The README's configuration reference, rendered from the option classes themselves: one markdown
 * row per {@code @Option} in declaration order (flag, environment variable, default, meaning).
 * {@code ConfigTableTest} fails when README and this differ, and prints what README should say.
 */
public final class ConfigTable {

  private ConfigTable() {}

  /** A titled markdown table of every option declared by {@code optionClasses}, in order. */
  public static String render(String title, Class<?>... optionClasses) {
    StringBuilder out =
        new StringBuilder("**" + title + "**\n\n| flag | environment | default | meaning |\n");
    out.append("|---|---|---|---|\n");
    for (Class<?> type : optionClasses) {
      for (Field field : type.getDeclaredFields()) {
        Option option = field.getAnnotation(Option.class);
        if (option == null) {
          continue;
        }
        String name = option.names()[0];
        String description =
            String.join(" ", option.description())
                .replaceAll("\\s*\\(default: \\$\\{DEFAULT-VALUE}\\)", "");
        String raw = option.defaultValue();
        // picocli's "no default" markers: its annotation default, and NULL_VALUE
        boolean none =
            raw.isEmpty() || raw.equals(Option.NULL_VALUE) || raw.startsWith("__no_default");
        String shown = none ? "—" : "`" + raw + "`";
        out.append("| `")
            .append(name)
            .append("` | `")
            .append(EnvironmentDefaults.variableFor(name))
            .append("` | ")
            .append(shown)
            .append(" | ")
            .append(description)
            .append(" |\n");
      }
    }
    return out.toString();
  }

  /** The service's table, as README has it under "Configuration reference". */
  public static String service() {
    return render("Service (`run` and `local`)", ClientOptions.class, ServiceOptions.class);
  }

  /** Prints the service's table, to paste into README. */
  public static void main(String[] args) {
    System.out.print(service());
  }
}
