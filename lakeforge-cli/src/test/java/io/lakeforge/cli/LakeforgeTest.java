package io.lakeforge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command dispatcher: the default command is the generator, unknown commands exit 2. */
class LakeforgeTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Lakeforge.run(Map.of("PROJECT_NAME", "p"), args, dir, new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8));
  }

  @Test
  void withoutACommandItGenerates() {
    assertEquals(0, run(), err.toString(UTF_8));
    assertTrue(Files.exists(dir.resolve("resources/lakebase.yml")));
  }

  @Test
  void optionsWithoutACommandGoToTheGenerator() {
    assertEquals(0, run("--output", "out"), err.toString(UTF_8));
    assertTrue(Files.exists(dir.resolve("out/lakebase.yml")));
  }

  @Test
  void generateIsTheNamedCommand() {
    assertEquals(0, run("generate", "--output", "named"), err.toString(UTF_8));
    assertTrue(Files.exists(dir.resolve("named/lakebase.yml")));
  }

  @Test
  void theGeneratorsExitStatusIsTheCommands() {
    java.util.Map<String, String> noProject = Map.of();
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
    assertEquals(1, Lakeforge.run(noProject, new String[0], dir, sink, sink));
    assertEquals(1, Lakeforge.run(noProject, new String[] {"generate"}, dir, sink, sink));
    assertEquals(2, Lakeforge.run(noProject, new String[] {"generate", "--bogus"}, dir, sink, sink));
  }

  @Test
  void helpListsTheCommands() {
    assertEquals(0, run("help"));
    assertEquals(Lakeforge.COMMANDS, out.toString(UTF_8));
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertEquals(2, run("deploy"));
    assertTrue(err.toString(UTF_8).startsWith("lakeforge: unknown command \"deploy\"\n"
        + Lakeforge.COMMANDS), err.toString(UTF_8));
    assertEquals("", out.toString(UTF_8));
  }
}
