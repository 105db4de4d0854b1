package dev.bgevl.streams.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetadataFilterTest {

  private static String render(String filter) {
    return MetadataFilter.parse(filter).toExpression();
  }

  private static InvalidFilterException invalid(String filter) {
    return assertThrows(InvalidFilterException.class, () -> MetadataFilter.parse(filter));
  }

  @Test
  void shouldRenderABareIdentifierAsAMetadataKey() {
    assertEquals("metadata[\"colour\"] == \"red\"", render("colour == \"red\""));
  }

  @Test
  void shouldRenderMetadataDotPrefixAsAMetadataKeySoKeysMayShadowColumns() {
    assertEquals("metadata[\"model\"] == \"x\"", render("metadata.model == \"x\""));
    assertEquals("metadata[\"0day\"] == \"x\"", render("metadata.0day == \"x\""));
    assertEquals("metadata[\"a.b-c_d\"] != \"x\"", render("a.b-c_d != \"x\""));
  }

  @Test
  void shouldRenderColumnsByName() {
    assertEquals(
        "(id == \"a\" and model == \"bge-vl-base\" and image_uri != \"\")",
        render("id == \"a\" and model == \"bge-vl-base\" and image_uri != \"\""));
    assertEquals("event_time >= -5", render("event_time >= -5"));
  }

  @Test
  void shouldEscapeDoubleQuoteInStringValue() {
    assertEquals("metadata[\"k\"] == \"say \\\"hi\\\"\"", render("k == \"say \\\"hi\\\"\""));
  }

  @Test
  void shouldEscapeBackslashInStringValue() {
    assertEquals("metadata[\"k\"] == \"a\\\\b\"", render("k == \"a\\\\b\""));
  }

  @Test
  void shouldKeepAnInjectionAttemptInsideOneStringLiteral() {
    assertEquals(
        "metadata[\"k\"] == \"x\\\" or 1 == 1 or k == \\\"\"",
        render("k == \"x\\\" or 1 == 1 or k == \\\"\""));
    assertEquals("metadata[\"k\"] == \"' or 1==1 --\"", render("k == \"' or 1==1 --\""));
  }

  @Test
  void shouldPassUnicodeThroughUnchanged() {
    assertEquals("metadata[\"k\"] == \"ünï 日本 🚀\"", render("k == \"ünï 日本 🚀\""));
  }

  @Test
  void shouldGiveNotPrecedenceOverAndOverOr() {
    assertEquals(
        "(metadata[\"a\"] == \"1\" or (metadata[\"b\"] != \"2\" and metadata[\"c\"] == \"3\"))",
        render("a == \"1\" or not b == \"2\" and c == \"3\""));
  }

  @Test
  void shouldHonourParentheses() {
    assertEquals(
        "((metadata[\"a\"] == \"1\" or metadata[\"b\"] == \"2\") and metadata[\"c\"] == \"3\")",
        render("(a == \"1\" or b == \"2\") and c == \"3\""));
    assertEquals("metadata[\"a\"] == \"1\"", render("not not a == \"1\""));
  }

  @Test
  void shouldPushNegationDownToTheComparisonsBecauseMilvusLiteRefusesNot() {
    assertEquals(
        "(metadata[\"a\"] != \"1\" and metadata[\"b\"] not in [\"x\", \"y\"])",
        render("not (a == \"1\" or b in [\"x\", \"y\"])"));
    assertEquals(
        "(event_time >= 5 or event_time <= 9 or event_time > 7 or event_time < 3 or id == \"z\")",
        render(
            "not (event_time < 5 and event_time > 9 and event_time <= 7 and event_time >= 3 and id != \"z\")"));
    assertEquals("id in [\"a\"]", render("not not not not id in [\"a\"]"));
  }

  @Test
  void shouldAcceptKeywordsInAnyCase() {
    assertEquals(
        "(metadata[\"a\"] == \"1\" and metadata[\"b\"] == \"2\")",
        render("a == \"1\" AND b == \"2\""));
  }

  @Test
  void shouldRenderInOnColumnsAsAnInList() {
    assertEquals("id in [\"a\", \"b\\\"c\"]", render("id in [\"a\", \"b\\\"c\"]"));
    assertEquals("event_time in [1, 2, 3]", render("event_time in [1,2,3]"));
  }

  @Test
  void shouldRenderInOnMetadataAsAnInListOnTheJsonPath() {
    assertEquals(
        "metadata[\"colour\"] in [\"red\", \"blue\"]", render("colour in [\"red\", \"blue\"]"));
  }

  @Test
  void shouldTreatTrueAndFalseAsStringsForMetadata() {
    assertEquals("metadata[\"flag\"] == \"true\"", render("flag == true"));
    assertEquals("metadata[\"flag\"] != \"false\"", render("flag != FALSE"));
  }

  @Test
  void shouldKeepTheSourceText() {
    assertEquals("k == \"v\"", MetadataFilter.parse("k == \"v\"").source());
  }

  @Test
  void shouldRejectAMissingValueNamingItsPosition() {
    InvalidFilterException e = invalid("colour == ");

    assertEquals(
        "filter: expected a value but found the end of the filter at position 10", e.getMessage());
    assertEquals(10, e.position());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "~~                          | expected a comparison but the filter is empty at position 0",
        "colour                      | expected an operator (==, !=, <, <=, >, >=, in) but found the end of the filter at position 6",
        "colour = \"red\"            | expected '=='",
        "colour == \"red\" colour    | expected 'and', 'or' or the end of the filter but found 'colour' at position 16",
        "(colour == \"red\"          | expected ')' but found the end of the filter at position 16",
        "colour == \"red             | expected a closing '\"' for the string starting at position 10",
        "colour == \"a\\nb\"         | expected \\\" or \\\\ after a backslash in a string at position 12",
        "colour == red               | expected a value but found 'red' at position 10",
        "== \"red\"                  | expected a field name or '(' but found '==' at position 0",
        "colour in \"red\"           | expected '[' but found",
        "colour in []                | expected a value but found ']' at position 11",
        "colour in [\"a\" \"b\"]     | expected ',' or ']' but found",
        "colour == 5                 | expected a string value for field 'colour'",
        "event_time == \"5\"         | expected a number for field 'event_time'",
        "event_time == 1.5           | expected an integer (no decimals or suffixes) at position 15",
        "event_time == 99999999999999999999 | expected a 64-bit integer",
        "event_time == true          | expected a number for field 'event_time'",
        "id == true                  | expected a string for field 'id'",
        "text == \"x\"               | field 'text' is not allowed in filters at position 0",
        "colour == \"x\" ; drop      | unexpected character ';' at position 14",
        "event_time > -              | expected a digit after '-'",
        "metadata. == \"x\"          | expected a metadata key of 1 to 64 characters",
      })
  void shouldRejectBadFiltersWithAPositionedMessage(String filter, String expected) {
    InvalidFilterException e = invalid(filter);

    assertTrue(e.getMessage().startsWith("filter: "), e.getMessage());
    assertTrue(
        e.getMessage().contains(expected),
        () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
  }

  @Test
  void shouldRejectAControlCharacterInAString() {
    assertTrue(
        invalid("k == \"a\u0001b\"")
            .getMessage()
            .contains("control character in a string at position 7"));
  }

  @Test
  void shouldRejectAMetadataKeyLongerThan64Characters() {
    String key = "k".repeat(65);

    assertTrue(
        invalid(key + " == \"x\"")
            .getMessage()
            .contains("expected a metadata key of 1 to 64 characters"));
    assertEquals(
        "metadata[\"" + "k".repeat(64) + "\"] == \"x\"", render("k".repeat(64) + " == \"x\""));
  }

  @Test
  void shouldRejectAFilterLongerThanTheLimit() {
    String filter = "k == \"" + "x".repeat(MetadataFilter.MAX_LENGTH) + "\"";

    assertTrue(invalid(filter).getMessage().contains("longer than 4096 characters"));
  }

  @Test
  void shouldRejectNestingDeeperThanTheLimit() {
    String ok =
        "(".repeat(MetadataFilter.MAX_DEPTH) + "k == \"v\"" + ")".repeat(MetadataFilter.MAX_DEPTH);
    String deep =
        "(".repeat(MetadataFilter.MAX_DEPTH + 1)
            + "k == \"v\""
            + ")".repeat(MetadataFilter.MAX_DEPTH + 1);
    String nots = "not ".repeat(MetadataFilter.MAX_DEPTH + 1) + "k == \"v\"";

    assertEquals("metadata[\"k\"] == \"v\"", render(ok));
    assertTrue(invalid(deep).getMessage().contains("nested deeper than 16 levels at position 16"));
    assertTrue(invalid(nots).getMessage().contains("nested deeper than 16 levels"));
  }

  @Test
  void shouldRejectAnInListLongerThanTheLimit() {
    String values =
        IntStream.range(0, MetadataFilter.MAX_IN_VALUES + 1)
            .mapToObj(i -> "\"" + i + "\"")
            .collect(Collectors.joining(","));

    assertTrue(
        invalid("k in [" + values + "]").getMessage().contains("'in' list longer than 256 values"));
  }

  @Test
  void shouldRestrictColumnsAndMetadataToTheAllowedFields() {
    Set<String> onlyModel = Set.of("model");

    assertEquals(
        "model == \"m\"", MetadataFilter.parse("model == \"m\"", onlyModel).toExpression());
    assertThrows(
        InvalidFilterException.class, () -> MetadataFilter.parse("id == \"m\"", onlyModel));
    InvalidFilterException e =
        assertThrows(
            InvalidFilterException.class,
            () -> MetadataFilter.parse("colour == \"red\"", onlyModel));
    assertEquals("filter: metadata keys are not allowed in filters at position 0", e.getMessage());
    assertEquals(
        "text == \"t\"", MetadataFilter.parse("text == \"t\"", Set.of("text")).toExpression());
  }

  @Test
  void shouldCompareEqualByExpression() {
    assertEquals(MetadataFilter.parse("a == \"1\""), MetadataFilter.parse("a==\"1\""));
  }
}
