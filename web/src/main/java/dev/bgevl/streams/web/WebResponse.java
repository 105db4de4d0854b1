package dev.bgevl.streams.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP answer: status, content type, body and extra headers. */
record WebResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String JSON = "application/json; charset=utf-8";

  static WebResponse json(int status, String body) {
    return new WebResponse(status, JSON, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A JSON error body {@code {"status": ..., "error": ...}}, the shape the page shows. */
  static WebResponse error(int status, String code, String message) {
    return json(
        status,
        "{\"status\":\""
            + SearchJson.escape(code)
            + "\",\"error\":\""
            + SearchJson.escape(message)
            + "\"}");
  }

  WebResponse withHeader(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return new WebResponse(status, contentType, body, Map.copyOf(all));
  }

  void sendTo(HttpExchange exchange) throws IOException {
    var out = exchange.getResponseHeaders();
    out.set("Content-Type", contentType);
    out.set("X-Content-Type-Options", "nosniff");
    headers.forEach(out::set);
    boolean noBody = exchange.getRequestMethod().equals("HEAD") || status == 304;
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
    if (!noBody) {
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    }
  }
}
