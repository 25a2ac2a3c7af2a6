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
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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
 * line javac must report, and nothing else may be reported: every error and warning javac prints
 * is compared, duplicates included.
 */
class ProcessorDiagnosticsTest {

  private static final Pattern MARKER = Pattern.compile("// expect-(error|warning): (\\w+)");

  record Expected(String file, long line, Diagnostic.Kind kind, String tag) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "bad/BranchIds.java", "bad/ProjectIds.java", "bad/Duplicates.java", "bad/NotConstants.java",
      "bad/Orphan.java", "bad/Reserved.java", "bad/SourceBranches.java", "bad/Capacity.java",
      "bad/Ttls.java", "bad/ManyBranches.java", "bad/Expiry.java", "bad/RootBranch.java",
      "bad/AccessorClash.java", "bad/AccessorConstants.java", "bad/EnumProject.java",
      "bad/Roles.java", "bad/Databases.java", "bad/Compute.java", "bad/ProjectSettings.java",
      "bad/ProjectSettingsMore.java", "bad/Grants.java", "bad/Grants2.java", "bad/AccessOrphan.java",
      "bad/AccessFields.java", "bad/AccessorNested.java", "bad/Protected.java",
      "bad/ConstantNames.java", "bad/twoprojects/First.java,bad/twoprojects/Second.java"})
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
        .filter(d -> d.getKind() != Diagnostic.Kind.NOTE && d.getKind() != Diagnostic.Kind.OTHER)
        .map(d -> new Expected(fileName(d.getSource()), d.getLineNumber(), d.getKind(),
            d.getMessage(Locale.ROOT).substring(0, d.getMessage(Locale.ROOT).indexOf(']') + 1)))
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
  void extraBranchWhoseAccessorConstantIsTakenNamesBothSides() {
    Compilation compilation = compile(
        List.of("-Alakeforge.branches=foo"),
        project("@Branch static final String FOO = \"bar\";"));
    String collision = onlyError(compilation);
    assertTrue(collision.startsWith(Rule.KEY_COLLISION.tag()), collision);
    assertTrue(collision.contains("branch \"foo\" (from -Alakeforge.branches)"), collision);
    assertTrue(collision.contains("@Branch FOO (id \"bar\")"), collision);
  }

  @Test
  void extraBranchAlreadyDeclaredIsMergedNotRefused() {
    Compilation compilation = compile(List.of("-Alakeforge.branches=dev,qa,qa"),
        project("@Branch(protect = true) static final String DEV = \"dev\";"));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(), compilation.diagnostics()::toString);
    String yaml = Compiles.yaml(compilation, "p").orElseThrow();
    assertEquals(1, yaml.split("branch_id: dev\n", -1).length - 1, yaml);
    assertEquals(1, yaml.split("branch_id: qa\n", -1).length - 1, yaml);
    assertTrue(yaml.contains("is_protected: true"), "the declared branch wins: " + yaml);
  }

  @Test
  void extraBranchesNamedAllOrProjectIdAreBranchesLikeAnyOther() {
    Compilation all = compile(List.of("-Alakeforge.branches=all"), project());
    assertEquals(Compilation.Status.SUCCESS, all.status(), all.diagnostics()::toString);
    assertTrue(Compiles.generatedSource(all, "test.Branches").orElseThrow()
        .contains("public static final BranchRef ALL ="));
    // PROJECT_ID is the accessor's own constant: only the processor, which writes the accessor, refuses it.
    String message = onlyError(compile(List.of("-Alakeforge.branches=project-id"), project()));
    assertTrue(message.startsWith(Rule.KEY_COLLISION.tag()), message);
    assertTrue(message.contains("branch \"project-id\" (from -Alakeforge.branches)"), message);
  }

  @Test
  void accessorNameOfAnExistingTypeIsAnErrorOnTheAttributeAndWritesNothing() throws IOException {
    Compilation compilation = compileResources(List.of(), "bad/AccessorClash.java");
    Diagnostic<? extends JavaFileObject> error = compilation.errors().get(0);
    assertEquals(1, compilation.errors().size(), compilation.errors()::toString);
    String message = error.getMessage(Locale.ROOT);
    assertTrue(message.startsWith(Rule.ACCESSOR_NAME.tag()), message);
    assertTrue(message.contains("existing type bad.AccessorClash"), message);
    assertFalse(message.contains("writable"), message);
    String line = Compiles.lines("bad/AccessorClash.java").get((int) error.getLineNumber() - 1);
    assertEquals(line.indexOf("\"AccessorClash\"") + 1, error.getColumnNumber(),
        "pinned to the accessorName value");
  }

  @Test
  void aDeclaredConstantNamedProjectIdIsToldToRename() {
    String message = onlyError(compile(project("@Branch static final String PROJECT_ID = \"x\";")));
    assertTrue(message.endsWith("is the accessor's own constant for the project id. Rename the"
        + " constant."), message);
  }

  @Test
  void aProjectProblemIsPinnedToItsAttribute() {
    Compilation compilation = compile(source("test.Topology", "package test;",
        "@io.lakeforge.annotations.LakebaseProject(id = \"p\", pgVersion = 15)",
        "final class Topology {}"));
    Diagnostic<? extends JavaFileObject> warning = compilation.warnings().get(0);
    assertTrue(warning.getMessage(Locale.ROOT).startsWith(Rule.PG_VERSION.tag()));
    assertEquals("@io.lakeforge.annotations.LakebaseProject(id = \"p\", pgVersion = ".length() + 1,
        warning.getColumnNumber());
  }

  @Test
  void readOnlyEndpointCalledPrimaryIsRefusedEvenWithReplaceExisting() {
    String message = onlyError(compile(project(
        "@Branch(readOnlyEndpoint = \"primary\", replaceExisting = true)",
        "static final String DEV = \"dev\";")));
    assertTrue(message.startsWith(Rule.RESERVED_NAME.tag()), message);
    assertTrue(message.contains("primaryMinCu and primaryMaxCu"), message);
  }

  @Test
  void lintAllWithWerrorCompilesCleanly() {
    Compilation compilation = compile(List.of("-Xlint:all", "-Werror"),
        project("@Branch static final String DEV = \"dev\";"));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(), compilation.diagnostics()::toString);
    assertEquals(List.of(), compilation.warnings());
  }

  @Test
  void generatedAccessorCompilesInANamedModuleThatDoesNotReadJavaCompiler(@TempDir Path dir)
      throws IOException {
    // The annotations as users get them on the module path: a jar named io.lakeforge.annotations.
    Path annotations = dir.resolve("lakeforge-annotations.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Automatic-Module-Name", "io.lakeforge.annotations");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(annotations), manifest)) {
      for (Class<?> type : List.of(io.lakeforge.annotations.Branch.class,
          io.lakeforge.annotations.BranchRef.class, io.lakeforge.annotations.LakebaseProject.class,
          io.lakeforge.annotations.Role.class, io.lakeforge.annotations.Database.class,
          io.lakeforge.annotations.Grant.class, io.lakeforge.annotations.Grant.Level.class,
          io.lakeforge.annotations.Tag.class, io.lakeforge.annotations.Identity.class,
          io.lakeforge.annotations.RoleRef.class, io.lakeforge.annotations.DatabaseRef.class)) {
        String name = type.getName().replace('.', '/') + ".class";
        jar.putNextEntry(new JarEntry(name));
        try (var in = type.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(jar);
        }
      }
    }
    Path src = Files.createDirectories(dir.resolve("src/user"));
    Files.writeString(dir.resolve("src/module-info.java"),
        "module user { requires io.lakeforge.annotations; }\n");
    Files.writeString(src.resolve("Topology.java"), String.join("\n", "package user;",
        "@io.lakeforge.annotations.LakebaseProject(id = \"user\")",
        "final class Topology {",
        "  @io.lakeforge.annotations.Branch static final String DEV = \"dev\";",
        "  @io.lakeforge.annotations.Role(identity = io.lakeforge.annotations.Identity.GROUP,",
        "      postgresRole = \"readers\") static final String READERS = \"readers\";",
        "  @io.lakeforge.annotations.Database(owner = \"readers\")",
        "  static final String ORDERS = \"orders\";",
        "}", ""));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<Diagnostic<? extends JavaFileObject>> diagnostics = new ArrayList<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, UTF_8)) {
      files.setLocationFromPaths(StandardLocation.MODULE_PATH, List.of(annotations));
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT,
          List.of(Files.createDirectories(dir.resolve("classes"))));
      files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT,
          List.of(Files.createDirectories(dir.resolve("generated"))));
      JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics::add,
          List.of("-Xlint:all,-requires-automatic", "-Werror"), null, files.getJavaFileObjects(
              dir.resolve("src/module-info.java"), src.resolve("Topology.java")));
      task.setProcessors(List.of(new LakeforgeProcessor()));
      assertTrue(task.call(), diagnostics::toString);
    }
    assertTrue(Files.exists(dir.resolve("classes/user/Branches.class")));
    assertTrue(Files.exists(dir.resolve("classes/user/Branches$Databases.class")));
  }

  @Test
  void generatedAccessorPassesDoclint() {
    Compilation compilation = compile(List.of("-Xdoclint:all/protected", "-Werror"),
        project("@Branch static final String DEV = \"dev\";"));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(), compilation.diagnostics()::toString);
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
  void projectWithErrorsWritesNothing(@TempDir Path out) throws IOException {
    assertEquals(List.of(), written(out, "bad/Capacity.java"));
  }

  @Test
  void aSecondProjectIsRefusedAndOnlyTheFirstIsGenerated(@TempDir Path out) throws IOException {
    assertEquals(List.of("classes/META-INF/lakeforge/showcase/lakebase.yml",
        "generated/good/Lakes.java"), written(out, "good/Showcase.java", "bad/twoprojects/First.java"));
  }

  /** Runs javac with the processor on real directories; returns the files it wrote. */
  private static List<String> written(Path out, String... resources) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, UTF_8)) {
      Path classes = Files.createDirectories(out.resolve("classes"));
      Path generated = Files.createDirectories(out.resolve("generated"));
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
      files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(generated));
      List<JavaFileObject> sources = new ArrayList<>();
      for (String resource : resources) {
        sources.add(JavaFileObjects.forResource(resource));
      }
      JavaCompiler.CompilationTask task =
          javac.getTask(null, files, d -> { }, List.of("-proc:only"), null, sources);
      task.setProcessors(List.of(new LakeforgeProcessor()));
      assertFalse(task.call());
      try (Stream<Path> walk = Files.walk(out)) {
        return walk.filter(Files::isRegularFile)
            .map(p -> out.relativize(p).toString()).sorted().toList();
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
