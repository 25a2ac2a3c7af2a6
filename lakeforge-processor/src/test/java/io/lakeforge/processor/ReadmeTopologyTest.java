package io.lakeforge.processor;

import static io.lakeforge.processor.Compiles.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * The README's topology under {@code -Xlint:all -Werror} (issue 19, item 3): its {@code ttl}
 * branch warns, and the documented suppressions, per element or per build, leave a clean build.
 * The topology is README.md's, copied into {@code readme/Topology.java}; the first test keeps the
 * copy in step.
 */
class ReadmeTopologyTest {

  private static final List<String> STRICT = List.of("-Xlint:all", "-Werror");
  private static final String TTL_BRANCH = "  @Branch(ttl = \"P7D\", from = \"staging\","
      + " readOnlyEndpoint = \"\") static final String PRE_PROD = \"pre-prod\";";

  private static String copy() throws IOException {
    return String.join("\n", Compiles.lines("readme/Topology.java")) + "\n";
  }

  private static Compilation compileStrict(List<String> extra, String text) {
    List<String> options = new java.util.ArrayList<>(STRICT);
    options.addAll(extra);
    return compile(options, JavaFileObjects.forSourceString("readme.Topology", text));
  }

  private static List<String> problems(Compilation c) {
    return c.diagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING
            || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING)
        .map(d -> d.getKind() + " " + d.getMessage(Locale.ROOT))
        .toList();
  }

  @Test
  void theCopyIsTheReadmesTopology() throws IOException {
    String readme = Files.readString(Compiles.MODULE.resolve("../README.md"),
        StandardCharsets.UTF_8);
    String copy = copy();
    String body = copy.substring(copy.indexOf("// README begin\n") + 16,
        copy.indexOf("// README end"));
    assertTrue(readme.contains("```java\n" + body + "```"), "README.md's topology changed");
    assertTrue(body.contains(TTL_BRANCH + "\n"), body);
  }

  @Test
  void withoutSuppressionTheTtlBranchWarnsAndFailsAWerrorBuild() throws IOException {
    Compilation c = compileStrict(List.of(), copy());
    assertEquals(Compilation.Status.FAILURE, c.status(), () -> problems(c).toString());
    List<String> problems = problems(c);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("WARNING [LakeforgeExpiringBranch]"
        + " @Branch PRE_PROD:")), problems::toString);
  }

  @Test
  void suppressedOnTheFieldItBuildsWithNoWarning() throws IOException {
    Compilation c = compileStrict(List.of(), copy().replace(TTL_BRANCH,
        "  @SuppressWarnings(\"lakeforge:expiring-branch\")\n" + TTL_BRANCH));
    assertEquals(List.of(), problems(c));
    assertEquals(Compilation.Status.SUCCESS, c.status());
  }

  @Test
  void suppressedOnTheClassItBuildsWithNoWarning() throws IOException {
    Compilation c = compileStrict(List.of(), copy().replace("final class Topology {",
        "@SuppressWarnings(\"lakeforge:expiring-branch\")\nfinal class Topology {"));
    assertEquals(List.of(), problems(c));
  }

  @Test
  void suppressedForTheBuildItBuildsWithNoWarning() throws IOException {
    for (String option : List.of("-Alakeforge.suppress=expiring-branch",
        "-Alakeforge.suppress=lakeforge:expiring-branch",
        "-Alakeforge.suppress=LakeforgeExpiringBranch", "-Alakeforge.suppress=lakeforge")) {
      Compilation c = compileStrict(List.of(option), copy());
      assertEquals(List.of(), problems(c), option);
    }
  }

  @Test
  void anotherKeyLeavesTheWarning() throws IOException {
    Compilation c = compileStrict(List.of("-Alakeforge.suppress=pg-version"),
        copy().replace(TTL_BRANCH, "  @SuppressWarnings(\"lakeforge:branch-count\")\n"
            + TTL_BRANCH));
    assertTrue(problems(c).stream().anyMatch(p -> p.contains("[LakeforgeExpiringBranch]")),
        () -> problems(c).toString());
  }
}
