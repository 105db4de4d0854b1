package dev.bgevl.streams.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} options of a benchmark main; every option takes a value. */
final class BenchArgs {

  private final Map<String, String> values;
  private final String usage;

  private BenchArgs(Map<String, String> values, String usage) {
    this.values = values;
    this.usage = usage;
  }

  static BenchArgs parse(String[] args, String usage) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        throw new IllegalArgumentException(usage);
      }
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got '" + a + "'\n" + usage);
      }
      m.put(a.substring(2), args[++i]);
    }
    return new BenchArgs(m, usage);
  }

  Path path(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required\n" + usage);
    }
    return Path.of(v);
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int integer(String name, int fallback) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
  }

  double decimal(String name, double fallback) {
    return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
  }

  List<Double> decimals(String name, String fallback) {
    return Arrays.stream(values.getOrDefault(name, fallback).split(","))
        .map(String::trim)
        .map(Double::parseDouble)
        .toList();
  }
}
