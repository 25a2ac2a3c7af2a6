package io.lakeforge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line reads the bundle file exactly as LakeForge's writer lays it out. */
class TopologyFileTest {

  @TempDir Path dir;

  @Test
  void readsWhatTheGeneratorWrites() throws Exception {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
    assertEquals(0, Lakeforge.run(Map.of("PROJECT_NAME", "shop", "CUSTOM_BRANCHES",
        "dev,no,pre-prod"), new String[0], dir, sink, sink));
    TopologyFile t = TopologyFile.read(dir.resolve(TopologyFile.DEFAULT));
    assertEquals(Map.of("dev", false, "no", false, "pre-prod", false), t.branches());
  }

  @Test
  void readsTheRepositorysCompiledTopologyWithItsProtection() throws Exception {
    TopologyFile t = TopologyFile.read(Path.of("..").resolve(TopologyFile.DEFAULT));
    assertEquals(true, t.isProtected("staging"), t.branches()::toString);
    assertEquals(true, t.declares("dev"), t.branches()::toString);
    assertEquals(false, t.isProtected("dev"));
  }

  @Test
  void aFileWithoutBranchesIsNotABundleFile() throws Exception {
    Path f = Files.writeString(dir.resolve("other.yml"), "resources:\n  jobs: {}\n");
    assertThrows(IllegalArgumentException.class, () -> TopologyFile.read(f));
  }
}
