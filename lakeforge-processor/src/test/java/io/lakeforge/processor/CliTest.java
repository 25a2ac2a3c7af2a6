package io.lakeforge.processor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generator CLI: the original PROJECT_NAME / CUSTOM_BRANCHES entry point. */
class CliTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return LakeforgeCli.run(env, args, dir, new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8));
  }

  private String stdout() {
    return out.toString(UTF_8);
  }

  private String stderr() {
    return err.toString(UTF_8);
  }

  @Test
  void successPrintsTheFileAndTheBranches() throws IOException {
    int code = run(Map.of("PROJECT_NAME", "lakeforge-main", "CUSTOM_BRANCHES", "dev,staging,pre-prod"));
    assertEquals(0, code, stderr());
    assertEquals("Successfully generated resources/lakebase.yml for project: lakeforge-main\n"
        + "Branches: dev, staging, pre-prod\n", stdout());
    assertTrue(Files.readString(dir.resolve("resources/lakebase.yml")).contains("branch_id: pre-prod\n"));
    assertEquals("", stderr());
  }

  @Test
  void emptyBranchListGivesDev() throws IOException {
    assertEquals(0, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", " , ")), stderr());
    assertTrue(stdout().endsWith("Branches: dev\n"), stdout());
    assertEquals(0, run(Map.of("PROJECT_NAME", "p")), stderr());
    assertTrue(Files.readString(dir.resolve("resources/lakebase.yml")).contains("branch_id: dev\n"));
  }

  @Test
  void missingProjectNameFailsWithOneLineAndWritesNothing() {
    assertEquals(1, run(Map.of("CUSTOM_BRANCHES", "dev")));
    assertEquals("Lakebase resource generation failed: PROJECT_NAME is not set. Set it to the"
        + " Lakebase project id, e.g. PROJECT_NAME=lakeforge-main.\n", stderr());
    assertEquals("", stdout());
    assertFalse(Files.exists(dir.resolve("resources")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bad Name", "dev,feature_a", "feature-a,feature_a", "x;rm -rf /", "dev,dev",
      "a1234567890123456789012345678901234567890123456789012345678901234"})
  void invalidOrCollidingBranchesFailAndLeaveTheOldFileUntouched(String branches) throws IOException {
    Path file = dir.resolve("resources/lakebase.yml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "# the previous, good file\n");

    assertEquals(1, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", branches)));

    assertTrue(stderr().startsWith("Lakebase resource generation failed: [Lakeforge"), stderr());
    assertEquals(1, stderr().lines().count(), stderr());
    assertEquals("# the previous, good file\n", Files.readString(file));
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void invalidProjectNameFails() {
    assertEquals(1, run(Map.of("PROJECT_NAME", "My Project")));
    assertTrue(stderr().contains("[LakeforgeProjectId]"), stderr());
    assertTrue(stderr().contains("Did you mean \"my-project\"?"), stderr());
  }

  @Test
  void outputOptionChoosesTheDirectory() {
    assertEquals(0, run(Map.of("PROJECT_NAME", "p"), "--output", "bundle/res"));
    assertTrue(Files.exists(dir.resolve("bundle/res/lakebase.yml")));
    assertTrue(stdout().startsWith("Successfully generated bundle/res/lakebase.yml"), stdout());
  }

  @Test
  void unknownArgumentFails() {
    assertEquals(1, run(Map.of("PROJECT_NAME", "p"), "--force"));
    assertTrue(stderr().contains("unknown argument \"--force\""), stderr());
  }

  @Test
  void cliAndProcessorWriteIdenticalYamlForTheSameTopology() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PROJECT_NAME", "lakeforge-main");
    env.put("CUSTOM_BRANCHES", "dev,staging,pre-prod");
    assertEquals(0, run(env), stderr());
    String fromCli = Files.readString(dir.resolve("resources/lakebase.yml"), UTF_8);

    String fromProcessor = Compiles.yaml(Compiles.compile(
        List.of("-Alakeforge.branches=dev,staging,pre-prod"),
        Compiles.source("infra.Topology",
            "package infra;",
            "@io.lakeforge.annotations.LakebaseProject(id = \"lakeforge-main\")",
            "final class Topology {}")), "lakeforge-main").orElseThrow();

    // Only the header's source differs; every byte of YAML after it is the same.
    assertEquals(body(fromProcessor), body(fromCli));
    assertTrue(fromCli.startsWith("# Generated by LakeForge from the PROJECT_NAME and CUSTOM_BRANCHES environment."));
    assertTrue(fromProcessor.startsWith("# Generated by LakeForge from infra.Topology."));
  }

  private static String body(String yaml) {
    return yaml.substring(yaml.indexOf('\n') + 1);
  }
}
