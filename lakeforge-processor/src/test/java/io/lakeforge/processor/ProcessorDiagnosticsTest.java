package io.lakeforge.processor;

import static io.lakeforge.processor.Compiles.compile;
import static io.lakeforge.processor.Compiles.compileResources;
import static io.lakeforge.processor.Compiles.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rule is a diagnostic pinned to file and line. The inputs under {@code bad/} mark each
 * expected diagnostic with {@code // expect-error: Tag} or {@code // expect-warning: Tag} on the
 * line javac must report, and nothing else may be reported.
 */
class ProcessorDiagnosticsTest {

  private static final Pattern MARKER = Pattern.compile("// expect-(error|warning): (\\w+)");

  record Expected(String file, long line, Diagnostic.Kind kind, String tag) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "bad/BranchIds.java", "bad/ProjectIds.java", "bad/Duplicates.java", "bad/NotConstants.java",
      "bad/Orphan.java", "bad/Reserved.java", "bad/SourceBranches.java", "bad/Capacity.java",
      "bad/Ttls.java", "bad/ManyBranches.java", "bad/twoprojects/First.java,bad/twoprojects/Second.java"})
  void everyProblemIsReportedOnItsLineAndNothingElse(String files) throws IOException {
    String[] resources = files.split(",");
    List<Expected> expected = new ArrayList<>();
    for (String resource : resources) {
      List<String> lines = Compiles.lines(resource);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = MARKER.matcher(lines.get(i));
        while (m.find()) {
          Diagnostic.Kind kind =
              m.group(1).equals("error") ? Diagnostic.Kind.ERROR : Diagnostic.Kind.WARNING;
          expected.add(new Expected(fileName(resource), i + 1, kind, "[" + m.group(2) + "]"));
        }
      }
    }
    Compilation compilation = compileResources(List.of(), resources);

    List<Expected> actual = compilation.diagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING)
        .filter(d -> d.getMessage(Locale.ROOT).startsWith("[Lakeforge"))
        .map(d -> new Expected(fileName(d.getSource()), d.getLineNumber(), d.getKind(),
            d.getMessage(Locale.ROOT).substring(0, d.getMessage(Locale.ROOT).indexOf(']') + 1)))
        .distinct()
        .collect(Collectors.toList());
    assertEquals(sorted(expected), sorted(actual), () -> "diagnostics:\n" + compilation.diagnostics());
  }

  @Test
  void invalidIdMessageNamesTheConstantTheRuleAndAFix() {
    String message = onlyError(compile(project("@Branch static final String UPPER = \"Pre_Prod\";")));
    assertTrue(message.startsWith(Rule.BRANCH_ID.tag()), message);
    assertTrue(message.contains("@Branch UPPER"), message);
    assertTrue(message.contains("\"Pre_Prod\""), message);
    assertTrue(message.contains("a lowercase letter, then lowercase letters, digits and hyphens"), message);
    assertTrue(message.contains("Did you mean \"pre-prod\"?"), message);
  }

  @Test
  void controlCharactersInIdsAreShownEscaped() {
    String message = onlyError(compile(project("@Branch static final String NL = \"dev\\nprod\";")));
    assertTrue(message.contains("\"dev\\nprod\""), message);
    assertFalse(message.contains("dev\nprod"), message);
  }

  @Test
  void duplicateIdNamesBothConstants() {
    String message = onlyError(compile(project(
        "@Branch static final String DEV = \"dev\";",
        "@Branch static final String DEV_AGAIN = \"dev\";")));
    assertTrue(message.startsWith(Rule.DUPLICATE_BRANCH.tag()), message);
    assertTrue(message.contains("@Branch DEV_AGAIN") && message.contains("@Branch DEV."), message);
  }

  @Test
  void extraBranchCollidingWithDeclaredBranchNamesBothSides() {
    Compilation compilation = compile(
        List.of("-Alakeforge.branches=feature_a"),
        project("@Branch static final String FEATURE_A = \"feature-a\";"));
    List<String> errors = errors(compilation);
    String collision = errors.stream().filter(e -> e.startsWith(Rule.KEY_COLLISION.tag()))
        .findFirst().orElseThrow(() -> new AssertionError(errors));
    assertTrue(collision.contains("branch \"feature_a\" (from -Alakeforge.branches)"), collision);
    assertTrue(collision.contains("@Branch FEATURE_A"), collision);
    assertTrue(collision.contains("branch_feature_a"), collision);
    assertTrue(errors.stream().anyMatch(e -> e.startsWith(Rule.BRANCH_ID.tag())), errors::toString);
  }

  @Test
  void extraBranchesAreValidatedAndPinnedToTheProjectAnnotation() {
    Compilation compilation = compile(List.of("-Alakeforge.branches=ok,Bad Name"), project());
    Diagnostic<? extends JavaFileObject> error = compilation.errors().get(0);
    assertEquals(1, compilation.errors().size(), compilation.errors()::toString);
    assertTrue(error.getMessage(Locale.ROOT).contains("branch \"Bad Name\" (from -Alakeforge.branches)"));
    assertEquals(4, error.getLineNumber(), "pinned to the @LakebaseProject line");
  }

  @Test
  void sourceBranchTypoSuggestsTheDeclaredBranch() {
    String message = onlyError(compile(project(
        "@Branch static final String STAGING = \"staging\";",
        "@Branch(from = \"stagign\") static final String QA = \"qa\";")));
    assertTrue(message.contains("Did you mean \"staging\"?"), message);
  }

  @Test
  void projectWithErrorsWritesNothingWhileAHealthyProjectInTheSameCompileIsGenerated(
      @TempDir Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, UTF_8)) {
      Path classes = Files.createDirectories(out.resolve("classes"));
      Path generated = Files.createDirectories(out.resolve("generated"));
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
      files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(generated));
      JavaCompiler.CompilationTask task = javac.getTask(null, files, d -> { }, List.of("-proc:only"),
          null, List.of(JavaFileObjects.forResource("bad/Capacity.java"),
              JavaFileObjects.forResource("good/Showcase.java")));
      task.setProcessors(List.of(new LakeforgeProcessor()));
      assertFalse(task.call());
      try (Stream<Path> written = Files.walk(out)) {
        List<String> names = written.filter(Files::isRegularFile)
            .map(p -> out.relativize(p).toString()).sorted().toList();
        assertEquals(List.of("classes/META-INF/lakeforge/showcase/lakebase.yml",
            "generated/good/Lakes.java"), names);
      }
    }
  }

  @Test
  void warningsAloneStillGenerate() {
    Compilation compilation = compileResources(List.of(), "bad/ManyBranches.java");
    assertEquals(Compilation.Status.SUCCESS, compilation.status());
    assertTrue(Compiles.yaml(compilation, "many").isPresent());
  }

  @Test
  void projectWithNoBranchesGetsDev() {
    Compilation compilation = compile(project());
    String yaml = Compiles.yaml(compilation, "p").orElseThrow();
    assertTrue(yaml.contains("branch_id: dev\n"), yaml);
    assertTrue(Compiles.generatedSource(compilation, "test.Branches").orElseThrow()
        .contains("public static final BranchRef DEV ="));
  }

  @Test
  void extraBranchListIsTrimmedAndEmptyEntriesIgnored() {
    Compilation compilation = compile(List.of("-Alakeforge.branches= qa , ,uat,"),
        project("@Branch static final String DEV = \"dev\";"));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(), compilation.diagnostics()::toString);
    String yaml = Compiles.yaml(compilation, "p").orElseThrow();
    assertTrue(yaml.contains("branch_id: dev\n") && yaml.contains("branch_id: qa\n")
        && yaml.contains("branch_id: uat\n"), yaml);
    assertTrue(Compiles.generatedSource(compilation, "test.Branches").orElseThrow()
        .contains("List.of(DEV, QA, UAT)"));
  }

  @Test
  void emptyBranchOptionAddsNothing() {
    Compilation compilation = compile(List.of("-Alakeforge.branches="),
        project("@Branch static final String QA = \"qa\";"));
    String yaml = Compiles.yaml(compilation, "p").orElseThrow();
    assertFalse(yaml.contains("branch_id: dev"), yaml);
  }

  @Test
  void yamlIsWrittenThroughTheFilerToClassOutput() {
    Compilation compilation = compile(project("@Branch static final String QA = \"qa\";"));
    assertTrue(compilation.generatedFile(
        StandardLocation.CLASS_OUTPUT, "META-INF/lakeforge/p/lakebase.yml").isPresent());
  }

  private static JavaFileObject project(String... members) {
    List<String> lines = new ArrayList<>(List.of(
        "package test;",
        "import io.lakeforge.annotations.Branch;",
        "import io.lakeforge.annotations.LakebaseProject;",
        "@LakebaseProject(id = \"p\")",
        "final class Topology {"));
    lines.addAll(List.of(members));
    lines.add("}");
    return source("test.Topology", lines.toArray(String[]::new));
  }

  private static List<String> errors(Compilation compilation) {
    return compilation.errors().stream().map(d -> d.getMessage(Locale.ROOT)).toList();
  }

  private static String onlyError(Compilation compilation) {
    List<String> errors = errors(compilation);
    assertEquals(1, errors.size(), errors::toString);
    return errors.get(0);
  }

  private static String fileName(JavaFileObject source) {
    return source == null ? "<none>" : fileName(source.toUri().getPath());
  }

  private static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static List<String> sorted(List<Expected> list) {
    return list.stream().map(Expected::toString).sorted().toList();
  }
}
