package dev.bgevl.streams.milvus;

import java.util.Objects;
import java.util.Set;

/**
 * A validated retrieval filter, parsed from the small language below and rendered as a Milvus
 * boolean expression.
 *
 * <p>User text never reaches Milvus as-is: {@link #parse} builds a typed tree and {@link
 * #toExpression()} renders field names from a fixed vocabulary and every string through Milvus's
 * literal escaping.
 *
 * <pre>
 * expr       := or
 * or         := and ('or' and)*
 * and        := not ('and' not)*
 * not        := 'not' not | primary
 * primary    := '(' expr ')' | comparison
 * comparison := field op value | field 'in' '[' value (',' value)* ']'
 * op         := '==' | '!=' | '&lt;' | '&lt;=' | '&gt;' | '&gt;='
 * field      := identifier            -- [A-Za-z_][A-Za-z0-9_.-]*
 * value      := string | integer | 'true' | 'false'
 * string     := '"' (any character but '"', '\' or a control character | '\"' | '\\')* '"'
 * integer    := '-'? [0-9]+
 * </pre>
 *
 * <ul>
 *   <li>Keywords ({@code and or not in true false}) are case-insensitive; precedence is {@code not}
 *       over {@code and} over {@code or}, as usual.
 *   <li>{@code id}, {@code model}, {@code text}, {@code image_uri} (strings) and {@code event_time}
 *       (integers) name columns; each must be in the allowed-field set. Any other identifier is a
 *       key of the {@code metadata} map, rendered {@code metadata["key"]}; write {@code
 *       metadata.key} for a key that collides with a column or keyword ({@code metadata.model}) or
 *       starts with a digit. Keys match {@code [A-Za-z0-9_.-]{1,64}}; metadata keys are allowed
 *       when {@code metadata} is in the allowed-field set.
 *   <li>Metadata values are strings: compare them with strings; {@code true}/{@code false} mean the
 *       strings {@code "true"}/{@code "false"}. Numbers are for {@code event_time} only.
 *   <li>Limits: {@value #MAX_LENGTH} characters, {@value #MAX_DEPTH} nested parentheses or {@code
 *       not}s, {@value #MAX_IN_VALUES} values per {@code in} list.
 * </ul>
 *
 * <p>Errors are {@link InvalidFilterException}s naming the zero-based position and what was
 * expected, e.g. {@code filter: expected a value but found the end of the filter at position 10}.
 */
public final class MetadataFilter {

  /** Longest filter text accepted. */
  public static final int MAX_LENGTH = 4096;

  /** Deepest nesting of parentheses and {@code not}s accepted. */
  public static final int MAX_DEPTH = 16;

  /** Most values one {@code in} list may hold. */
  public static final int MAX_IN_VALUES = 256;

  /**
   * Fields a filter may use unless the caller narrows them: every column but {@code text}, plus
   * metadata keys.
   */
  public static final Set<String> DEFAULT_ALLOWED_FIELDS =
      Set.of(
          MediaCollectionSchema.ID,
          MediaCollectionSchema.MODEL,
          MediaCollectionSchema.IMAGE_URI,
          MediaCollectionSchema.EVENT_TIME,
          MediaCollectionSchema.METADATA);

  private final String source;
  private final String expression;

  private MetadataFilter(String source, FilterNode root) {
    this.source = source;
    StringBuilder out = new StringBuilder();
    root.render(out);
    this.expression = out.toString();
  }

  /** Parses {@code text} allowing {@link #DEFAULT_ALLOWED_FIELDS}. */
  public static MetadataFilter parse(String text) {
    return parse(text, DEFAULT_ALLOWED_FIELDS);
  }

  /**
   * Parses and validates {@code text}.
   *
   * @param allowedFields column names ({@code id model text image_uri event_time}) and {@code
   *     metadata} that filters may use
   * @throws InvalidFilterException when the text breaks the grammar, a limit, the allowed fields or
   *     a field's value type
   */
  public static MetadataFilter parse(String text, Set<String> allowedFields) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(allowedFields, "allowedFields");
    return new MetadataFilter(text, FilterParser.parse(text, Set.copyOf(allowedFields)));
  }

  /** The Milvus boolean expression, safe to pass as a search or query filter. */
  public String toExpression() {
    return expression;
  }

  /** The filter text as the user wrote it. */
  public String source() {
    return source;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetadataFilter other && expression.equals(other.expression);
  }

  @Override
  public int hashCode() {
    return expression.hashCode();
  }

  @Override
  public String toString() {
    return "MetadataFilter[" + expression + "]";
  }
}
