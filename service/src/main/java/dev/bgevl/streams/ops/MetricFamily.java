package dev.bgevl.streams.ops;

/** One named metric with its help text and every sample of it, written in one piece. */
interface MetricFamily {

  void writeTo(PrometheusWriter out);
}
