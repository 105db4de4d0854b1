package dev.bgevl.streams.milvus;

import dev.bgevl.streams.milvus.FilterNode.Field;
import dev.bgevl.streams.milvus.FilterNode.FieldType;
import dev.bgevl.streams.milvus.FilterNode.LongValue;
import dev.bgevl.streams.milvus.FilterNode.Operator;
import dev.bgevl.streams.milvus.FilterNode.StringValue;
import dev.bgevl.streams.milvus.FilterNode.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recursive-descent parser for the filter language documented on {@link MetadataFilter}; one
 * instance per parse.
 */
final class FilterParser {

  static final String METADATA_PREFIX = "metadata.";

  private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** The scalar columns a filter may name, with the type of value each takes. */
  private static final Map<String, FieldType> COLUMNS =
      Map.of(
          MediaCollectionSchema.ID, FieldType.STRING,
          MediaCollectionSchema.MODEL, FieldType.STRING,
          MediaCollectionSchema.TEXT, FieldType.STRING,
          MediaCollectionSchema.IMAGE_URI, FieldType.STRING,
          MediaCollectionSchema.EVENT_TIME, FieldType.INT64);

  private enum Kind {
    IDENT,
    STRING,
    NUMBER,
    TRUE,
    FALSE,
    LPAREN,
    RPAREN,
    LBRACKET,
    RBRACKET,
    COMMA,
    OP,
    AND,
    OR,
    NOT,
    IN,
    EOF
  }

  private record Token(Kind kind, String text, int pos) {}

  private final String source;
  private final Set<String> allowedFields;
  private final List<Token> tokens;
  private int next;

  private FilterParser(String source, Set<String> allowedFields) {
    this.source = source;
    this.allowedFields = allowedFields;
    this.tokens = tokenize(source);
  }

  static FilterNode parse(String source, Set<String> allowedFields) {
    if (source.length() > MetadataFilter.MAX_LENGTH) {
      throw new InvalidFilterException(
          "longer than " + MetadataFilter.MAX_LENGTH + " characters (" + source.length() + ")", -1);
    }
    FilterParser parser = new FilterParser(source, allowedFields);
    if (parser.peek().kind == Kind.EOF) {
      throw new InvalidFilterException("expected a comparison but the filter is empty", 0);
    }
    FilterNode root = parser.or(0);
    Token rest = parser.peek();
    if (rest.kind != Kind.EOF) {
      throw new InvalidFilterException(
          "expected 'and', 'or' or the end of the filter but found '" + rest.text + "'", rest.pos);
    }
    return root;
  }

  // ---- grammar
  // --------------------------------------------------------------------------------------------------

  // depth counts nested parentheses and 'not's; it bounds recursion, so a hostile filter cannot
  // overflow the stack
  private FilterNode or(int depth) {
    List<FilterNode> terms = new ArrayList<>();
    terms.add(and(depth));
    while (peek().kind == Kind.OR) {
      next++;
      terms.add(and(depth));
    }
    return terms.size() == 1 ? terms.get(0) : new FilterNode.Or(terms);
  }

  private FilterNode and(int depth) {
    List<FilterNode> terms = new ArrayList<>();
    terms.add(not(depth));
    while (peek().kind == Kind.AND) {
      next++;
      terms.add(not(depth));
    }
    return terms.size() == 1 ? terms.get(0) : new FilterNode.And(terms);
  }

  private FilterNode not(int depth) {
    if (peek().kind == Kind.NOT) {
      checkDepth(depth + 1);
      next++;
      return new FilterNode.Not(not(depth + 1));
    }
    return primary(depth);
  }

  private FilterNode primary(int depth) {
    if (peek().kind == Kind.LPAREN) {
      checkDepth(depth + 1);
      next++;
      FilterNode inner = or(depth + 1);
      expect(Kind.RPAREN, "')'");
      return inner;
    }
    return comparison();
  }

  private FilterNode comparison() {
    Token fieldToken = expect(Kind.IDENT, "a field name or '('");
    Field field = field(fieldToken);
    Token opToken = peek();
    if (opToken.kind == Kind.IN) {
      next++;
      expect(Kind.LBRACKET, "'['");
      List<Value> values = new ArrayList<>();
      values.add(value(field));
      while (peek().kind == Kind.COMMA) {
        next++;
        if (values.size() == MetadataFilter.MAX_IN_VALUES) {
          throw new InvalidFilterException(
              "'in' list longer than " + MetadataFilter.MAX_IN_VALUES + " values", peek().pos);
        }
        values.add(value(field));
      }
      expect(Kind.RBRACKET, "',' or ']'");
      return new FilterNode.In(field, values);
    }
    if (opToken.kind != Kind.OP) {
      throw new InvalidFilterException(
          "expected an operator (==, !=, <, <=, >, >=, in) but found " + describe(opToken),
          opToken.pos);
    }
    next++;
    return new FilterNode.Comparison(field, operator(opToken.text), value(field));
  }

  private Field field(Token token) {
    String name = token.text;
    FieldType columnType = COLUMNS.get(name);
    if (columnType != null) {
      if (!allowedFields.contains(name)) {
        throw new InvalidFilterException(
            "field '" + name + "' is not allowed in filters", token.pos);
      }
      return new Field(name, columnType, false);
    }
    String key = name.startsWith(METADATA_PREFIX) ? name.substring(METADATA_PREFIX.length()) : name;
    if (!allowedFields.contains(MediaCollectionSchema.METADATA)) {
      throw new InvalidFilterException("metadata keys are not allowed in filters", token.pos);
    }
    if (!METADATA_KEY.matcher(key).matches()) {
      throw new InvalidFilterException(
          "expected a metadata key of 1 to 64 characters from [A-Za-z0-9_.-] but found '"
              + key
              + "'",
          token.pos);
    }
    return new Field(key, FieldType.STRING, true);
  }

  private Value value(Field field) {
    Token token = peek();
    switch (token.kind) {
      case STRING -> {
        if (field.type() != FieldType.STRING) {
          throw new InvalidFilterException(
              "expected a number for field '" + field.name() + "'", token.pos);
        }
        next++;
        return new StringValue(unescape(token));
      }
      case NUMBER -> {
        if (field.type() != FieldType.INT64) {
          throw new InvalidFilterException(
              "expected a string value for field '"
                  + field.name()
                  + "' (only event_time takes numbers; quote the value)",
              token.pos);
        }
        next++;
        try {
          return new LongValue(Long.parseLong(token.text));
        } catch (NumberFormatException e) {
          throw new InvalidFilterException(
              "expected a 64-bit integer but found '" + token.text + "'", token.pos);
        }
      }
      case TRUE, FALSE -> {
        if (!field.metadataKey()) {
          throw new InvalidFilterException(
              "expected a "
                  + (field.type() == FieldType.INT64 ? "number" : "string")
                  + " for field '"
                  + field.name()
                  + "'",
              token.pos);
        }
        next++;
        // metadata values are stored as strings, so true/false compare with the strings
        // "true"/"false"
        return new StringValue(token.kind == Kind.TRUE ? "true" : "false");
      }
      default ->
          throw new InvalidFilterException(
              "expected a value but found " + describe(token), token.pos);
    }
  }

  private static Operator operator(String symbol) {
    return switch (symbol) {
      case "==" -> Operator.EQ;
      case "!=" -> Operator.NE;
      case "<" -> Operator.LT;
      case "<=" -> Operator.LE;
      case ">" -> Operator.GT;
      case ">=" -> Operator.GE;
      default -> throw new IllegalStateException("lexer produced operator " + symbol);
    };
  }

  private void checkDepth(int depth) {
    if (depth > MetadataFilter.MAX_DEPTH) {
      throw new InvalidFilterException(
          "nested deeper than " + MetadataFilter.MAX_DEPTH + " levels", peek().pos);
    }
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token expect(Kind kind, String what) {
    Token token = peek();
    if (token.kind != kind) {
      throw new InvalidFilterException(
          "expected " + what + " but found " + describe(token), token.pos);
    }
    next++;
    return token;
  }

  private static String describe(Token token) {
    return token.kind == Kind.EOF ? "the end of the filter" : "'" + token.text + "'";
  }

  private String unescape(Token token) {
    // the token text includes the quotes and was validated by the lexer
    String raw = token.text;
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 1; i < raw.length() - 1; i++) {
      char c = raw.charAt(i);
      if (c == '\\') {
        i++;
        c = raw.charAt(i);
      }
      out.append(c);
    }
    return out.toString();
  }

  // ---- lexer
  // ----------------------------------------------------------------------------------------------------

  private static List<Token> tokenize(String source) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        i++;
      } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
        Kind kind =
            switch (c) {
              case '(' -> Kind.LPAREN;
              case ')' -> Kind.RPAREN;
              case '[' -> Kind.LBRACKET;
              case ']' -> Kind.RBRACKET;
              default -> Kind.COMMA;
            };
        tokens.add(new Token(kind, String.valueOf(c), i));
        i++;
      } else if (c == '=' || c == '!' || c == '<' || c == '>') {
        boolean twoChar = i + 1 < n && source.charAt(i + 1) == '=';
        if ((c == '=' || c == '!') && !twoChar) {
          throw new InvalidFilterException("expected '" + c + "=' (use == for equality)", i);
        }
        int end = twoChar ? i + 2 : i + 1;
        tokens.add(new Token(Kind.OP, source.substring(i, end), i));
        i = end;
      } else if (c == '"') {
        int end = endOfString(source, i);
        tokens.add(new Token(Kind.STRING, source.substring(i, end), i));
        i = end;
      } else if (c == '-' || isDigit(c)) {
        int end = i + 1;
        while (end < n && isDigit(source.charAt(end))) {
          end++;
        }
        if (c == '-' && end == i + 1) {
          throw new InvalidFilterException("expected a digit after '-'", i + 1);
        }
        if (end < n && (source.charAt(end) == '.' || Character.isLetter(source.charAt(end)))) {
          throw new InvalidFilterException("expected an integer (no decimals or suffixes)", end);
        }
        tokens.add(new Token(Kind.NUMBER, source.substring(i, end), i));
        i = end;
      } else if (isIdentifierStart(c)) {
        int end = i + 1;
        while (end < n && isIdentifierPart(source.charAt(end))) {
          end++;
        }
        String word = source.substring(i, end);
        tokens.add(new Token(keyword(word), word, i));
        i = end;
      } else {
        throw new InvalidFilterException("unexpected character '" + printable(c) + "'", i);
      }
    }
    tokens.add(new Token(Kind.EOF, "", n));
    return tokens;
  }

  private static int endOfString(String source, int start) {
    int i = start + 1;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        if (i + 1 >= source.length()) {
          break;
        }
        char escaped = source.charAt(i + 1);
        if (escaped != '"' && escaped != '\\') {
          throw new InvalidFilterException(
              "expected \\\" or \\\\ after a backslash in a string", i);
        }
        i += 2;
        continue;
      }
      if (Character.isISOControl(c)) {
        throw new InvalidFilterException("control character in a string", i);
      }
      i++;
    }
    throw new InvalidFilterException("expected a closing '\"' for the string starting", start);
  }

  private static Kind keyword(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "and" -> Kind.AND;
      case "or" -> Kind.OR;
      case "not" -> Kind.NOT;
      case "in" -> Kind.IN;
      case "true" -> Kind.TRUE;
      case "false" -> Kind.FALSE;
      default -> Kind.IDENT;
    };
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c) || c == '.' || c == '-';
  }

  private static String printable(char c) {
    return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
