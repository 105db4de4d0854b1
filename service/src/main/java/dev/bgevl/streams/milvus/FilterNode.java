package dev.bgevl.streams.milvus;

import java.util.List;

/**
 * The typed filter tree {@link FilterParser} builds and {@link MetadataFilter} renders. Rendering
 * only ever emits field names from a fixed vocabulary and literals through {@link MilvusLiterals},
 * so no user text reaches the expression unescaped.
 *
 * <p>Rendering never emits {@code not}: the embedded Milvus Lite refuses the unary NOT node
 * ("unsupported expr proto node"), so a negation is pushed down to the comparisons (De Morgan;
 * {@code ==} to {@code !=}, {@code in} to {@code not in}, {@code <} to {@code >=}), which every
 * Milvus evaluates the same way. The one difference from a literal NOT: a negated range comparison
 * on a metadata key ({@code not k < "m"}) does not match rows that lack the key, as a range
 * comparison never does.
 */
sealed interface FilterNode {

  void render(StringBuilder out);

  /** The same condition negated, without a NOT node. */
  FilterNode negated();

  /** Disjunction of two or more terms. */
  record Or(List<FilterNode> terms) implements FilterNode {
    public Or {
      terms = List.copyOf(terms);
    }

    @Override
    public void render(StringBuilder out) {
      renderJoined(out, terms, " or ");
    }

    @Override
    public FilterNode negated() {
      return new And(terms.stream().map(FilterNode::negated).toList());
    }
  }

  /** Conjunction of two or more terms. */
  record And(List<FilterNode> terms) implements FilterNode {
    public And {
      terms = List.copyOf(terms);
    }

    @Override
    public void render(StringBuilder out) {
      renderJoined(out, terms, " and ");
    }

    @Override
    public FilterNode negated() {
      return new Or(terms.stream().map(FilterNode::negated).toList());
    }
  }

  /** Negation, rendered as its term negated. */
  record Not(FilterNode term) implements FilterNode {
    @Override
    public void render(StringBuilder out) {
      term.negated().render(out);
    }

    @Override
    public FilterNode negated() {
      return term;
    }
  }

  /** {@code field op value}. */
  record Comparison(Field field, Operator op, Value value) implements FilterNode {
    @Override
    public void render(StringBuilder out) {
      field.render(out);
      out.append(' ').append(op.symbol()).append(' ');
      value.render(out);
    }

    @Override
    public FilterNode negated() {
      return new Comparison(field, op.negated(), value);
    }
  }

  /** {@code field in [v1, v2, ...]}, or {@code field not in [...]} when {@code excluded}. */
  record In(Field field, List<Value> values, boolean excluded) implements FilterNode {
    public In {
      values = List.copyOf(values);
    }

    In(Field field, List<Value> values) {
      this(field, values, false);
    }

    @Override
    public FilterNode negated() {
      return new In(field, values, !excluded);
    }

    @Override
    public void render(StringBuilder out) {
      field.render(out);
      out.append(excluded ? " not in [" : " in [");
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        values.get(i).render(out);
      }
      out.append(']');
    }
  }

  private static void renderJoined(StringBuilder out, List<FilterNode> terms, String joiner) {
    // every composite is parenthesised so the rendered precedence never depends on Milvus's grammar
    out.append('(');
    for (int i = 0; i < terms.size(); i++) {
      if (i > 0) {
        out.append(joiner);
      }
      terms.get(i).render(out);
    }
    out.append(')');
  }

  /** Comparison operators of the filter language, identical in Milvus. */
  enum Operator {
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    String symbol() {
      return symbol;
    }

    Operator negated() {
      return switch (this) {
        case EQ -> NE;
        case NE -> EQ;
        case LT -> GE;
        case LE -> GT;
        case GT -> LE;
        case GE -> LT;
      };
    }
  }

  /**
   * What a filter may compare: a scalar column of the collection or a key of the {@code metadata}
   * JSON column.
   */
  record Field(String name, FieldType type, boolean metadataKey) {
    void render(StringBuilder out) {
      if (metadataKey) {
        out.append(MediaCollectionSchema.METADATA).append('[');
        out.append(MilvusLiterals.quote(name));
        out.append(']');
      } else {
        out.append(name);
      }
    }
  }

  /** Value type a field accepts. */
  enum FieldType {
    STRING,
    INT64
  }

  /** A literal value. */
  sealed interface Value {
    void render(StringBuilder out);
  }

  /** A string literal. */
  record StringValue(String value) implements Value {
    @Override
    public void render(StringBuilder out) {
      out.append(MilvusLiterals.quote(value));
    }
  }

  /** An integer literal (only {@code event_time} takes numbers). */
  record LongValue(long value) implements Value {
    @Override
    public void render(StringBuilder out) {
      out.append(value);
    }
  }
}
