package dev.bgevl.streams.ops;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format 0.0.4: one {@code # HELP} and one {@code # TYPE}
 * line per family, then its samples, with names sanitized and label values and help texts escaped.
 */
final class PrometheusWriter {
  /** The content type of a scrape in this format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern NOT_NAME_CHAR = Pattern.compile("[^a-zA-Z0-9_:]");
  private static final Pattern NOT_LABEL_CHAR = Pattern.compile("[^a-zA-Z0-9_]");

  private final StringBuilder out;

  PrometheusWriter(StringBuilder out) {
    this.out = out;
  }

  /**
   * Starts a family: its help text and type ({@code counter}, {@code gauge}, {@code histogram}).
   */
  void family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  void sample(String name, Map<String, String> labels, long value) {
    labels(name, labels);
    out.append(' ').append(value).append('\n');
  }

  void sample(String name, Map<String, String> labels, double value) {
    labels(name, labels);
    out.append(' ').append(format(value)).append('\n');
  }

  private void labels(String name, Map<String, String> labels) {
    out.append(name);
    if (labels.isEmpty()) {
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(label.getKey())
          .append("=\"")
          .append(escapeLabelValue(label.getValue()))
          .append('"');
    }
    out.append('}');
  }

  /**
   * A metric name made legal: anything outside {@code [a-zA-Z0-9_:]} becomes {@code _}, a leading
   * digit gets one.
   */
  static String metricName(String raw) {
    String name = NOT_NAME_CHAR.matcher(raw).replaceAll("_");
    return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  /**
   * A label name made legal: anything outside {@code [a-zA-Z0-9_]} becomes {@code _} ({@code
   * client-id} → {@code client_id}).
   */
  static String labelName(String raw) {
    String name = NOT_LABEL_CHAR.matcher(raw).replaceAll("_");
    return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  /** Escapes {@code \}, {@code "} and line feeds, as the format requires inside a label value. */
  static String escapeLabelValue(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder s = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> s.append("\\\\");
        case '"' -> s.append("\\\"");
        case '\n' -> s.append("\\n");
        default -> s.append(c);
      }
    }
    return s.toString();
  }

  /** Escapes {@code \} and line feeds, as the format requires in a help text. */
  static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /**
   * A sample value: {@code NaN}, {@code +Inf}, {@code -Inf}, whole numbers without a fraction, else
   * Java's shortest form.
   */
  static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
