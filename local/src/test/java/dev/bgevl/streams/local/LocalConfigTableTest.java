package dev.bgevl.streams.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.cli.ConfigTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README's table of the {@code local}-only flags is the one {@link LocalCommand} renders. */
class LocalConfigTableTest {

  @Test
  void shouldMatchTheLocalTableInReadme() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "no README.md above the module");
    String readme = Files.readString(dir.resolve("README.md"));
    String title = "**`local` only**";
    int start = readme.indexOf(title);
    assertTrue(start >= 0, "README has no table titled " + title);
    int end = readme.indexOf("\n\n", readme.indexOf("\n|", start) + 1);
    String expected = ConfigTable.render("`local` only", LocalCommand.class);
    assertEquals(
        expected,
        readme.substring(start, end + 1),
        "README's local table is stale; paste this:\n" + expected);
  }
}
