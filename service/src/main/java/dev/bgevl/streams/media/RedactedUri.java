package dev.bgevl.streams.media;

import java.net.URI;

/**
 * The part of an image URI safe to log: scheme, host, port and path; never user info, query or
 * fragment (they may hold tokens).
 */
final class RedactedUri {

  private RedactedUri() {}

  static String of(URI uri) {
    StringBuilder s = new StringBuilder();
    if (uri.getScheme() != null) {
      s.append(uri.getScheme()).append(':');
    }
    if (uri.getHost() != null) {
      s.append("//").append(uri.getHost());
      if (uri.getPort() >= 0) {
        s.append(':').append(uri.getPort());
      }
    }
    if (uri.getRawPath() != null) {
      s.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      s.append("?…");
    }
    return s.toString();
  }
}
