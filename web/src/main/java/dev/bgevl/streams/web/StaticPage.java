package dev.bgevl.streams.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's three files, read from the jar once. Everything the page needs ships here: no CDN,
 * fonts or scripts from elsewhere, so it works offline, and the content security policy forbids any
 * other origin so a later edit cannot quietly add one.
 */
final class StaticPage {

  static final String POLICY =
      "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self';"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final Map<String, String> FILES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/app.js", "app.js",
          "/style.css", "style.css");

  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "style.css", "text/css; charset=utf-8");

  private final Map<String, byte[]> contents;

  StaticPage() {
    this.contents =
        Map.of(
            "index.html",
            read("index.html"),
            "app.js",
            read("app.js"),
            "style.css",
            read("style.css"));
  }

  WebResponse get(String path) {
    String file = FILES.get(path);
    if (file == null) {
      return WebResponse.error(404, "NOT_FOUND", "no such page: " + path);
    }
    return new WebResponse(200, TYPES.get(file), contents.get(file), Map.of())
        .withHeader("Content-Security-Policy", POLICY)
        .withHeader("Cache-Control", "no-cache");
  }

  private static byte[] read(String name) {
    try (InputStream in = StaticPage.class.getResourceAsStream("page/" + name)) {
      if (in == null) {
        throw new IllegalStateException("page/" + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
