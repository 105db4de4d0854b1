package dev.bgevl.streams.cli;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names and function names a PromQL expression (as Grafana stores it) refers to. Not a
 * parser: it removes everything that may hold identifiers which are not metric names (Grafana
 * variables, strings, label matchers, ranges, grouping label lists, offsets, numbers), then takes
 * an identifier followed by {@code (} as a function and any other, keywords aside, as a metric.
 */
final class PromQlNames {
  private static final Pattern GRAFANA_VARIABLE =
      Pattern.compile("\\$\\{[^}]*}|\\$\\w+|\\[\\[\\w+]]");
  private static final Pattern STRING =
      Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
  private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-zA-Z]+");
  private static final Pattern AT = Pattern.compile("@\\s*(?:start\\(\\)|end\\(\\)|[0-9.]+)");
  // a number is not part of an identifier: 0.95, 1e3, 0x1F, .5
  private static final Pattern NUMBER =
      Pattern.compile(
          "(?<![\\w:.])(?:0[xX][0-9a-fA-F]+|[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"
              + "|\\.[0-9]+(?:[eE][+-]?[0-9]+)?)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** Words of the language that stand alone, without {@code (}. */
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "group_left", "group_right", "inf", "nan");

  private final Set<String> metrics = new LinkedHashSet<>();
  private final Set<String> functions = new LinkedHashSet<>();

  private PromQlNames(String expr) {
    if (expr.contains("__name__")) {
      // a name given as a label hides from this reading; the dashboard must spell names plainly
      throw new IllegalArgumentException(
          "selects a metric by __name__, which is not checked: " + expr);
    }
    String rest = GRAFANA_VARIABLE.matcher(expr).replaceAll(" ");
    rest = STRING.matcher(rest).replaceAll(" ");
    rest = LABEL_MATCHERS.matcher(rest).replaceAll(" ");
    rest = RANGE.matcher(rest).replaceAll(" ");
    rest = GROUPING.matcher(rest).replaceAll(" ");
    rest = OFFSET.matcher(rest).replaceAll(" ");
    rest = AT.matcher(rest).replaceAll(" ");
    rest = NUMBER.matcher(rest).replaceAll(" ");
    Matcher m = IDENTIFIER.matcher(rest);
    while (m.find()) {
      String word = m.group();
      if (isCall(rest, m.end())) {
        functions.add(word);
      } else if (!KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
        metrics.add(word);
      }
    }
  }

  /** Reads one expression. */
  static PromQlNames of(String expr) {
    return new PromQlNames(expr);
  }

  /** Metric names, in order of first use. */
  Set<String> metrics() {
    return metrics;
  }

  /** Function and aggregation names, in order of first use. */
  Set<String> functions() {
    return functions;
  }

  private static boolean isCall(String text, int end) {
    int i = end;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i < text.length() && text.charAt(i) == '(';
  }
}
