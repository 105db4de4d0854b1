package dev.bgevl.streams.media;

import java.util.Locale;
import java.util.Set;

/**
 * Matches a URI host against {@code images.http.allowed-hosts}: exact names and {@code *.suffix}
 * patterns.
 */
final class AllowedHosts {

  private static final String KEY = "images.http.allowed-hosts";

  private AllowedHosts() {}

  /**
   * Lower case, no trailing dot, no IPv6 brackets; refuses wildcards other than one leading {@code
   * *.}.
   */
  static String normalizeEntry(String entry) {
    if (entry == null || entry.isBlank()) {
      throw new IllegalArgumentException(KEY + " has a blank entry");
    }
    String e = normalizeHost(entry.strip());
    String rest = e.startsWith("*.") ? e.substring(2) : e;
    if (rest.isEmpty()
        || rest.contains("*")
        || rest.startsWith(".")
        || rest.contains("/")
        || rest.contains("@")) {
      throw new IllegalArgumentException(
          KEY + " entries are host names, IP literals or *.domain patterns, got '" + entry + "'");
    }
    return e;
  }

  /** The form a URI host is compared in. */
  static String normalizeHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    // "example.com." names the same host as "example.com"
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /**
   * {@code *.example.com} matches names below {@code example.com}, not {@code example.com} itself.
   */
  static boolean matches(Set<String> allowed, String host) {
    String h = normalizeHost(host);
    if (allowed.contains(h)) {
      return true;
    }
    for (String entry : allowed) {
      if (entry.startsWith("*.")
          && h.endsWith(entry.substring(1))
          && h.length() > entry.length() - 1) {
        return true;
      }
    }
    return false;
  }
}
