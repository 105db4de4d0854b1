package dev.bgevl.streams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusWriterTest {

  @Test
  void shouldEscapeQuoteBackslashAndNewlineInLabelValues() {
    StringBuilder text = new StringBuilder();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("a", "say \"hi\"");
    labels.put("b", "C:\\dir");
    labels.put("c", "two\nlines");
    new PrometheusWriter(text).sample("m", labels, 1L);
    assertEquals("m{a=\"say \\\"hi\\\"\",b=\"C:\\\\dir\",c=\"two\\nlines\"} 1\n", text.toString());
  }

  @Test
  void shouldWriteHelpAndTypeLinesWithEscapedHelp() {
    StringBuilder text = new StringBuilder();
    new PrometheusWriter(text).family("bgevl_x_total", "counter", "back\\slash and\nnewline");
    assertEquals(
        "# HELP bgevl_x_total back\\\\slash and\\nnewline\n# TYPE bgevl_x_total counter\n",
        text.toString());
  }

  @Test
  void shouldWriteSampleWithoutBracesWhenNoLabels() {
    StringBuilder text = new StringBuilder();
    new PrometheusWriter(text).sample("m", Map.of(), 2.5);
    assertEquals("m 2.5\n", text.toString());
  }

  @Test
  void shouldFormatSpecialAndWholeValues() {
    assertEquals("NaN", PrometheusWriter.format(Double.NaN));
    assertEquals("+Inf", PrometheusWriter.format(Double.POSITIVE_INFINITY));
    assertEquals("-Inf", PrometheusWriter.format(Double.NEGATIVE_INFINITY));
    assertEquals("3", PrometheusWriter.format(3.0));
    assertEquals("0.005", PrometheusWriter.format(0.005));
  }

  @Test
  void shouldSanitizeMetricAndLabelNames() {
    assertEquals("records_lag_max", PrometheusWriter.metricName("records-lag-max"));
    assertEquals("_9lives", PrometheusWriter.metricName("9lives"));
    assertEquals("a:b", PrometheusWriter.metricName("a:b"));
    assertEquals("client_id", PrometheusWriter.labelName("client-id"));
    assertEquals("a_b", PrometheusWriter.labelName("a:b"));
    assertEquals("_1", PrometheusWriter.labelName("1"));
  }
}
