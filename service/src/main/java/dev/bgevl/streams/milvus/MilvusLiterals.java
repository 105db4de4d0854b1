package dev.bgevl.streams.milvus;

/** Renders Milvus expression string literals. */
final class MilvusLiterals {

  private MilvusLiterals() {}

  /**
   * Double-quotes {@code value} for a Milvus boolean expression. Milvus (Plan.g4 and Milvus Lite
   * alike) reads C-style escapes inside string literals, so backslash and double quote must be
   * escaped or a value could close the literal and inject {@code or 1 == 1}; raw CR/LF are not
   * allowed inside literals, so they are escaped too. Other control characters are rejected earlier
   * by the parser.
   */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2);
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
