package dev.bgevl.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README's configuration reference is the one the options render: a new or changed flag fails here.
 */
class ConfigTableTest {

  /** The project root: surefire runs in the module folder. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "no README.md above " + Path.of("").toAbsolutePath());
    return dir;
  }

  /** The table in README that starts with {@code title}'s line, up to the blank line after it. */
  static String readmeTable(String title) throws IOException {
    String readme = Files.readString(root().resolve("README.md"));
    int start = readme.indexOf("**" + title + "**");
    assertTrue(start >= 0, "README has no table titled " + title);
    int tableStart = readme.indexOf("\n|", start);
    int end = readme.indexOf("\n\n", tableStart + 1);
    return readme.substring(start, end < 0 ? readme.length() : end + 1);
  }

  @Test
  void shouldMatchTheServiceTableInReadme() throws IOException {
    String expected = ConfigTable.service();
    assertEquals(
        expected,
        readmeTable("Service (`run` and `local`)"),
        "README's configuration table is stale; paste this:\n" + expected);
  }
}
