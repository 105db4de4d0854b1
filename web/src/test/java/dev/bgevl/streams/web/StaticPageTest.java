package dev.bgevl.streams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page ships whole: its files are in the jar and name no other origin. */
class StaticPageTest {

  final StaticPage page = new StaticPage();

  @Test
  void shouldServeTheThreeFilesWithTheirTypesAndThePolicy() {
    for (String path : List.of("/", "/app.js", "/style.css")) {
      WebResponse response = page.get(path);
      assertEquals(200, response.status(), path);
      assertTrue(response.body().length > 100, path);
      assertEquals(StaticPage.POLICY, response.headers().get("Content-Security-Policy"), path);
    }
    assertTrue(page.get("/").contentType().startsWith("text/html"));
    assertTrue(page.get("/app.js").contentType().startsWith("text/javascript"));
    assertEquals(404, page.get("/../pom.xml").status());
  }

  @Test
  void shouldLoadNothingFromAnotherOriginSoItWorksOffline() {
    Pattern elsewhere = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}");
    for (String path : List.of("/", "/app.js", "/style.css")) {
      String text = new String(page.get(path).body(), StandardCharsets.UTF_8);
      assertFalse(elsewhere.matcher(text).find(), path + " names another origin");
      assertFalse(text.contains("@import"), path);
    }
    assertTrue(StaticPage.POLICY.startsWith("default-src 'self'"));
  }
}
