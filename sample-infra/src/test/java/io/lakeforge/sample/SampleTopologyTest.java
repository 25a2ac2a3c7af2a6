package io.lakeforge.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.processor.LakeforgeProcessor;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The sample build. The committed {@code resources/lakebase.yml} and the accessor golden file
 * are compared with a compilation of {@code Topology.java} made by this test (not with whatever
 * an earlier build left in {@code target/}), and the real Maven build is driven through the
 * incremental sequence that once published a stale topology.
 */
class SampleTopologyTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @TempDir static Path fresh;

  @BeforeAll
  static void compileTheTopologyAfresh() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, UTF_8)) {
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT,
          List.of(Files.createDirectories(fresh.resolve("classes"))));
      files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT,
          List.of(Files.createDirectories(fresh.resolve("generated"))));
      StringWriter diagnostics = new StringWriter();
      JavaCompiler.CompilationTask task = javac.getTask(diagnostics, files, null,
          List.of("-proc:only", "-classpath", System.getProperty("java.class.path")), null,
          files.getJavaFileObjects(Path.of("src/main/java/io/lakeforge/sample/Topology.java")));
      task.setProcessors(List.of(new LakeforgeProcessor()));
      assertTrue(task.call(), diagnostics::toString);
    }
  }

  @Test
  void committedBundleFileEqualsAFreshCompilation() throws IOException {
    assertEquals(
        Files.readString(fresh.resolve("classes/META-INF/lakeforge/lakeforge-main/lakebase.yml"), UTF_8),
        Files.readString(REPO.resolve("resources/lakebase.yml"), UTF_8),
        "resources/lakebase.yml is stale: run ./mvnw package and commit it");
  }

  @Test
  void generatedAccessorMatchesGoldenFile() throws IOException {
    assertEquals(
        Files.readString(Path.of("src/test/resources/expected/Branches.java.txt"), UTF_8),
        Files.readString(fresh.resolve("generated/io/lakeforge/sample/Branches.java"), UTF_8));
  }

  @Test
  void accessorCarriesIdsAndEndpointPaths() {
    assertEquals("lakeforge-main", Branches.PROJECT_ID);
    assertEquals(List.of("dev", "staging", "pre-prod"),
        Branches.all().stream().map(BranchRef::branchId).toList());
    assertEquals("projects/lakeforge-main/branches/staging/endpoints/readonly",
        Branches.STAGING.readOnlyEndpointPath());
    assertFalse(Branches.PRE_PROD.hasReadOnlyEndpoint(), "pre-prod pays for no read-only endpoint");
    assertEquals("projects/lakeforge-main/branches/dev/endpoints/primary",
        Branches.DEV.readWriteEndpointPath());
    assertEquals(Optional.of(Branches.STAGING), Branches.byId("staging"));
    assertEquals(Optional.empty(), Branches.byId("prod"));
    assertEquals("projects/other/branches/dev/endpoints/primary",
        Branches.DEV.withProjectId("other").readWriteEndpointPath());
  }

  @Test
  void everyBranchHandleKnowsTheApplicationRoleAndItsDatabase() {
    for (BranchRef branch : Branches.all()) {
      assertEquals(List.of(Branches.Roles.APP), Branches.rolesOn(branch), branch.branchId());
      assertEquals(List.of(Branches.Databases.ORDERS), Branches.databasesOn(branch));
      assertEquals("orders", Branches.Databases.ORDERS.postgresNameOn(branch));
      assertEquals("orders", branch.database(), "the handle's default database");
    }
    assertEquals("lakeforge-app", Branches.Databases.ORDERS.ownerRoleId());
    assertEquals("projects/lakeforge-main/branches/dev/roles/lakeforge-app",
        Branches.Roles.APP.rolePath(Branches.DEV));
  }

  /** Every {@code ${var.x}} the generated topology uses is declared in databricks.yml. */
  @Test
  void everyVariableOfTheTopologyIsDeclaredInTheBundle() throws IOException {
    String yaml = Files.readString(REPO.resolve("resources/lakebase.yml"), UTF_8);
    String bundle = Files.readString(REPO.resolve("databricks.yml"), UTF_8);
    Matcher m = Pattern.compile("\\$\\{var\\.([A-Za-z0-9_-]+)}")
        .matcher(yaml);
    Set<String> used = new TreeSet<>();
    while (m.find()) {
      used.add(m.group(1));
    }
    assertTrue(used.contains("app_principal"), used::toString);
    @SuppressWarnings("unchecked")
    Map<String, Object> variables = (Map<String, Object>)
        ((Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(bundle))
            .get("variables");
    for (String name : used) {
      assertTrue(variables.containsKey(name), "databricks.yml declares no variable " + name);
    }
    assertFalse(yaml.matches("(?s).*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-.*"),
        "no hard-coded application id in the sample");
  }

  /**
   * {@code package}, {@code package -Dlakeforge.branches=feature-x}, {@code package}: each build's
   * {@code resources/lakebase.yml} reflects its own option, whatever Maven's incremental state. A
   * build with annotation processing off fails instead of publishing nothing. Runs the real
   * Maven Wrapper (offline) on a copy of the repository.
   */
  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void everyBuildPublishesTheTopologyOfItsOwnOptions(@TempDir Path copy) throws Exception {
    copyRepository(copy);
    Path yaml = copy.resolve("resources/lakebase.yml");
    Path accessor = copy.resolve(
        "sample-infra/target/generated-sources/lakeforge/io/lakeforge/sample/Branches.java");

    assertEquals(0, maven(copy).exitCode(), "first package");
    String plain = Files.readString(yaml);
    assertFalse(plain.contains("feature-x"), plain);

    Build withExtra = maven(copy, "-Dlakeforge.branches=feature-x");
    assertEquals(0, withExtra.exitCode(), withExtra.output());
    assertTrue(Files.readString(yaml).contains("branch_id: feature-x\n"),
        "the option must reach the YAML even though no source changed:\n" + withExtra.output());
    assertTrue(Files.readString(accessor).contains("FEATURE_X"));

    assertEquals(0, maven(copy).exitCode(), "third package");
    assertEquals(plain, Files.readString(yaml), "feature-x must not stay in the published file");
    assertFalse(Files.readString(accessor).contains("FEATURE_X"));

    // lakeforge-maven-plugin runs the processor itself, so turning the compiler's processing off
    // changes nothing; a stale committed file fails the build under lakeforge.check (CI=true).
    Files.writeString(yaml, "# the previously published file\n");
    Build stale = maven(copy, "-Dmaven.compiler.proc=none", "-Dlakeforge.check=true");
    assertNotEquals(0, stale.exitCode(), stale.output());
    assertTrue(stale.output().contains("resources/lakebase.yml is stale"), stale.output());
    assertEquals("# the previously published file\n", Files.readString(yaml));
  }

  record Build(int exitCode, String output) {}

  private static Build maven(Path repo, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of(repo.resolve("mvnw").toString(), "-o", "-B",
        "-ntp", "-pl", "sample-infra", "-am", "package", "-DskipTests",
        // Each build writes its own file, also when the tests run under CI=true.
        "-Dlakeforge.check=false"));
    command.addAll(List.of(options));
    Path log = Files.createTempFile(repo, "maven", ".log");
    Process process = new ProcessBuilder(command).directory(repo.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(Duration.ofMinutes(5).toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("Maven did not finish in 5 minutes:\n" + Files.readString(log));
    }
    return new Build(process.exitValue(), Files.readString(log));
  }

  /** The build's inputs only: no .git, no target directories, no other module's state. */
  private static void copyRepository(Path to) throws IOException {
    Set<String> top = Set.of("pom.xml", "mvnw", ".mvn", "lakeforge-annotations",
        "lakeforge-processor", "lakeforge-maven-plugin", "lakeforge-bom", "lakeforge-cli",
        "lakeforge-emulator", "lakeforge-runtime", "lakeforge-test", "sample-infra", "resources", "databricks.yml",
        // Listed in the root pom's <modules>, so Maven reads them even with -pl sample-infra.
        "lakeforge-micrometer", "lakeforge-spring-boot-starter", "sample-spring-boot");
    for (String name : top) {
      Path from = REPO.resolve(name);
      Files.walkFileTree(from, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
            throws IOException {
          if (dir.getFileName().toString().equals("target")) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          Files.createDirectories(to.resolve(REPO.relativize(dir).toString()));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.copy(file, to.resolve(REPO.relativize(file).toString()),
              StandardCopyOption.COPY_ATTRIBUTES);
          return FileVisitResult.CONTINUE;
        }
      });
    }
  }
}
