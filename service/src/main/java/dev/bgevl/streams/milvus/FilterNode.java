package dev.bgevl.streams.milvus;

import java.util.List;

/**
 * The typed filter tree {@link FilterParser} builds and {@link MetadataFilter} renders. Rendering only ever emits field names
 * from a fixed vocabulary and literals through {@link MilvusLiterals}, so no user text reaches the expression unescaped.
 */
sealed interface FilterNode {

  void render(StringBuilder out);

  /** Disjunction of two or more terms. */
  record Or(List<FilterNode> terms) implements FilterNode {
    public Or {
      terms = List.copyOf(terms);
    }

    @Override
    public void render(StringBuilder out) {
      renderJoined(out, terms, " or ");
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
  }

  /** Negation. */
  record Not(FilterNode term) implements FilterNode {
    @Override
    public void render(StringBuilder out) {
      out.append("not (");
      term.render(out);
      out.append(')');
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
  }

  /** {@code field in [v1, v2, ...]}. */
  record In(Field field, List<Value> values) implements FilterNode {
    public In {
      values = List.copyOf(values);
    }

    @Override
    public void render(StringBuilder out) {
      if (field.metadataKey()) {
        // Milvus Lite accepts 'in' only on plain fields, not on JSON paths: spell it as an 'or' of equalities, which every
        // Milvus evaluates the same way
        out.append('(');
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            out.append(" or ");
          }
          new Comparison(field, Operator.EQ, values.get(i)).render(out);
        }
        out.append(')');
        return;
      }
      field.render(out);
      out.append(" in [");
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
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    String symbol() {
      return symbol;
    }
  }

  /** What a filter may compare: a scalar column of the collection or a key of the {@code metadata} JSON column. */
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
    STRING, INT64
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
