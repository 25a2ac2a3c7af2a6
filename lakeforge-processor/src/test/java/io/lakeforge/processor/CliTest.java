package io.lakeforge.processor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystems;
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

  @ParameterizedTest
  @ValueSource(strings = {"", " "})
  void blankProjectNameFails(String name) {
    assertEquals(1, run(Map.of("PROJECT_NAME", name)));
    assertTrue(stderr().contains("PROJECT_NAME is not set"), stderr());
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
  @ValueSource(strings = {"Bad Name", "dev,feature_a", "feature-a,feature_a", "x;rm -rf /", "dev-",
      "a1234567890123456789012345678901234567890123456789012345678901234"})
  void invalidBranchesFailAndLeaveTheOldFileUntouched(String branches) throws IOException {
    Path file = dir.resolve("resources/lakebase.yml");
    assertEquals(0, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", "dev")), stderr());
    String previous = Files.readString(file);
    err.reset();

    assertEquals(1, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", branches)));

    assertTrue(stderr().startsWith("Lakebase resource generation failed: [LakeforgeBranchId]"), stderr());
    assertEquals(1, stderr().lines().count(), stderr());
    assertEquals(previous, Files.readString(file));
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void everyErrorIsPrintedNotOnlyTheFirst() {
    assertEquals(1, run(Map.of("PROJECT_NAME", "My Project", "CUSTOM_BRANCHES", "ok,Bad,worse_")));
    List<String> lines = stderr().lines().toList();
    assertEquals(3, lines.size(), stderr());
    assertTrue(lines.get(0).contains("[LakeforgeProjectId]"), lines.get(0));
    assertTrue(lines.get(1).contains("\"Bad\""), lines.get(1));
    assertTrue(lines.get(2).contains("\"worse_\""), lines.get(2));
    lines.forEach(l -> assertTrue(l.startsWith("Lakebase resource generation failed: "), l));
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
    assertEquals(0, run(Map.of("PROJECT_NAME", "p"), "--output=other"));
    assertTrue(Files.exists(dir.resolve("other/lakebase.yml")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--bogus", "--output", "--output=", "--output --force", "-o x"})
  void usageErrorsExitTwoAndPrintTheUsage(String args) {
    assertEquals(2, run(Map.of("PROJECT_NAME", "p"), args.split(" ")));
    String first = stderr().lines().findFirst().orElseThrow();
    assertTrue(first.startsWith("lakeforge: "), first);
    assertTrue(first.contains(args.startsWith("--output") ? "--output needs a directory"
        : "unknown argument \"" + args.split(" ")[0] + "\""), first);
    assertTrue(stderr().contains(LakeforgeCli.USAGE_TEXT), stderr());
    assertEquals("", stdout());
    assertFalse(Files.exists(dir.resolve("resources")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h"})
  void helpPrintsTheUsageAndExitsZero(String arg) {
    assertEquals(0, run(Map.of(), arg));
    assertEquals(LakeforgeCli.USAGE_TEXT, stdout());
    assertEquals("", stderr());
  }

  @Test
  void aFileGeneratedFromCompiledTopologyIsNotReplaced() throws IOException {
    Path file = dir.resolve("resources/lakebase.yml");
    Files.createDirectories(file.getParent());
    String compiled = "# Generated by LakeForge from io.lakeforge.sample.Topology. Do not edit:"
        + " change the topology and rebuild.\nresources: {}\n";
    Files.writeString(file, compiled);

    assertEquals(1, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", "dev")));

    assertEquals(compiled, Files.readString(file));
    assertTrue(stderr().contains("resources/lakebase.yml was generated from"
        + " io.lakeforge.sample.Topology"), stderr());
    assertTrue(stderr().contains("--force"), stderr());
    assertEquals("", stdout());

    err.reset();
    assertEquals(0, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", "dev"), "--force"), stderr());
    assertTrue(Files.readString(file).startsWith("# Generated by LakeForge from the PROJECT_NAME"));
  }

  @Test
  void aFileNotWrittenByLakeforgeIsNotReplaced() throws IOException {
    Path file = dir.resolve("resources/lakebase.yml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "# hand-written\n");
    assertEquals(1, run(Map.of("PROJECT_NAME", "p")));
    assertTrue(stderr().contains("was not written by this generator"), stderr());
    assertEquals("# hand-written\n", Files.readString(file));
  }

  @Test
  void itsOwnEarlierOutputIsReplaced() throws IOException {
    assertEquals(0, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", "dev")), stderr());
    assertEquals(0, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", "qa")), stderr());
    assertTrue(Files.readString(dir.resolve("resources/lakebase.yml")).contains("branch_id: qa\n"));
  }

  @Test
  void theFileGetsDefaultPermissionsNotOwnerOnly() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    assertEquals(0, run(Map.of("PROJECT_NAME", "p")), stderr());
    Path reference = Files.createFile(dir.resolve("reference"));
    assertEquals(Files.getPosixFilePermissions(reference),
        Files.getPosixFilePermissions(dir.resolve("resources/lakebase.yml")), "the umask decides");
  }

  @ParameterizedTest
  @ValueSource(strings = {"all", "project-id", "no", "on"})
  void anyValidBranchIdIsAccepted(String id) throws IOException {
    assertEquals(0, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", id)), stderr());
    String yaml = Files.readString(dir.resolve("resources/lakebase.yml"));
    assertTrue(yaml.contains("branch_id: " + id + "\n") || yaml.contains("branch_id: \"" + id + "\"\n"), yaml);
  }

  @Test
  void warningsArePrintedAndTheFileIsStillWritten() {
    assertEquals(0, run(Map.of("PROJECT_NAME", "p", "CUSTOM_BRANCHES", "a,b,c,d,e,f,g,h,i,j")),
        stderr());
    assertTrue(stderr().startsWith("warning: [LakeforgeBranchCount] project \"p\" has 11 branches"),
        stderr());
    assertTrue(Files.exists(dir.resolve("resources/lakebase.yml")));
  }

  @Test
  void anUnwritableTargetFailsWithExitOne() throws IOException {
    Files.writeString(dir.resolve("resources"), "a file where the directory should be");
    assertEquals(1, run(Map.of("PROJECT_NAME", "p")));
    assertTrue(stderr().startsWith("Lakebase resource generation failed: could not write"
        + " resources/lakebase.yml"), stderr());
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
