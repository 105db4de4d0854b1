package dev.bgevl.streams.milvus;

/** Writes string literals of the filter language in tests. */
final class FilterTexts {

  private FilterTexts() {}

  /** {@code value} as a filter-language string: only {@code "} and {@code \} are escaped. */
  static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
