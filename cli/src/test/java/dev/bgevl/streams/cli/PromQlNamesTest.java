package dev.bgevl.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@link PromQlNames} takes for a metric, on the shapes the dashboard uses and a few more. */
class PromQlNamesTest {

  @Test
  void shouldFindTheHistogramSeriesOfAQuantileButNotItsLabelsOrNumbers() {
    PromQlNames names =
        PromQlNames.of(
            "histogram_quantile(0.95, sum by (le) (rate(bgevl_query_seconds_bucket[$__rate_interval])))");
    assertEquals(Set.of("bgevl_query_seconds_bucket"), names.metrics());
    assertEquals(List.of("histogram_quantile", "sum", "rate"), List.copyOf(names.functions()));
  }

  @Test
  void shouldIgnoreLabelNamesValuesStringsAndGrafanaVariables() {
    PromQlNames names =
        PromQlNames.of(
            "sum without (instance) (rate(a_total{status=~\"OK|b_total\", app!='x{y}'}[5m] offset 1h))"
                + " / on(app) group_left(lane) b_total{job=\"$job\"} * ${factor} > bool 1e3"
                + " or label_replace(c, \"d\", \"$1\", \"e\", \"(.*)\") unless Inf");
    assertEquals(List.of("a_total", "b_total", "c"), List.copyOf(names.metrics()));
    assertEquals(List.of("sum", "rate", "label_replace"), List.copyOf(names.functions()));
  }

  @Test
  void shouldTakeAnAggregationWithTrailingByAsAFunction() {
    PromQlNames names = PromQlNames.of("max(m1) by (app) - min (m2 @ start()) + .5 + 0x1F");
    assertEquals(List.of("m1", "m2"), List.copyOf(names.metrics()));
    assertEquals(List.of("max", "min"), List.copyOf(names.functions()));
  }

  @Test
  void shouldRefuseANameSelectedAsALabel() {
    assertThrows(IllegalArgumentException.class, () -> PromQlNames.of("{__name__=~\"bgevl_.*\"}"));
  }
}
