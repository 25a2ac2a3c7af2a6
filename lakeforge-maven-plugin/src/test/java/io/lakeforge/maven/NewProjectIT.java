package io.lakeforge.maven;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A team's topology module written from scratch ({@code src/it/new-team}: the BOM, the annotations
 * and the plugin, nothing from sample-infra), built with the real Maven Wrapper against the
 * artifacts of this build (maven-invoker-plugin:install put them in {@code target/it-repo}; every
 * other artifact comes from the building user's local repository, so no network is needed). The
 * steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NewProjectIT {

  private static Path project;
  private static Path bundleFile;
  private static Path resource;

  @BeforeAll
  static void writeTheProject() throws IOException {
    project = ItBuild.copy("new-team");
    bundleFile = project.resolve("databricks.yml");
    resource = project.resolve("resources/lakebase.yml");
  }

  @Test
  @Order(1)
  void initBundleWritesADatabricksYmlDeclaringEveryVariable() throws Exception {
    ItBuild.Build init = maven(Map.of(), "lakeforge:init-bundle");
    assertEquals(0, init.exitCode(), init.output());
    String bundle = Files.readString(bundleFile, UTF_8);
    assertTrue(bundle.contains("  name: shop-db\n"), bundle);
    assertTrue(bundle.contains("  shop_app:\n"), bundle);
    assertTrue(bundle.contains("  project_name:\n"), bundle);
    assertTrue(bundle.contains("    default: shop-db\n"), bundle);
    assertTrue(bundle.contains("  - resources/*.yml\n"), bundle);
  }

  @Test
  @Order(2)
  void theBuildPlacesTheCurrentTopologyInTheBundle() throws Exception {
    Files.delete(resource);
    ItBuild.Build build = maven(Map.of(), "process-classes");
    assertEquals(0, build.exitCode(), build.output());
    assertEquals(Files.readString(generated(), UTF_8), Files.readString(resource, UTF_8));
    assertTrue(Files.readString(resource, UTF_8).contains("branch_id: staging\n"));
    assertTrue(build.output().contains("LakeForge: updated resources/lakebase.yml"), build.output());
    // A named module (module-info.java requires transitive io.lakeforge.annotations) under
    // -Xlint:all -Werror, with a ttl branch whose warning is suppressed as documented.
    assertTrue(Files.isRegularFile(project.resolve("target/classes/module-info.class")),
        build.output());
    assertTrue(Files.readString(resource, UTF_8).contains("branch_id: preview\n"));
    assertFalse(build.output().contains("[WARNING] /"), build.output());
    assertFalse(build.output().contains("automatic"), build.output());
  }

  @Test
  @Order(3)
  void aTtlBranchWithoutTheSuppressionFailsTheStrictBuild() throws Exception {
    Path topology = project.resolve("src/main/java/com/example/shop/ShopTopology.java");
    String source = Files.readString(topology, UTF_8);
    Path pom = project.resolve("pom.xml");
    String strictPom = Files.readString(pom, UTF_8);
    String suppression = "  @SuppressWarnings(\"lakeforge:expiring-branch\")\n";
    assertTrue(source.contains(suppression), source);
    Files.writeString(topology, source.replace(suppression, ""), UTF_8);
    try {
      ItBuild.Build strict = maven(Map.of(), "process-classes");
      assertNotEquals(0, strict.exitCode(), strict.output());
      assertTrue(strict.output().contains("[LakeforgeExpiringBranch]"), strict.output());
      assertTrue(strict.output().contains("lakeforge:expiring-branch"), strict.output());
      assertTrue(strict.output().contains("this build fails on warnings"), strict.output());

      // The option form, in the compiler's arguments, accepts it for the whole module.
      Files.writeString(pom, strictPom.replace("<arg>-Werror</arg>",
          "<arg>-Werror</arg><arg>-Alakeforge.suppress=expiring-branch</arg>"), UTF_8);
      ItBuild.Build option = maven(Map.of(), "process-classes");
      assertEquals(0, option.exitCode(), option.output());
    } finally {
      Files.writeString(topology, source, UTF_8);
      Files.writeString(pom, strictPom, UTF_8);
    }
  }

  @Test
  @Order(4)
  void extraBranchesOfOneBuildReachTheFileThoughNoSourceChanged() throws Exception {
    ItBuild.Build withExtra = maven(Map.of(), "process-classes", "-Dlakeforge.branches=feature-x");
    assertEquals(0, withExtra.exitCode(), withExtra.output());
    assertTrue(Files.readString(resource, UTF_8).contains("branch_id: feature-x\n"),
        withExtra.output());

    ItBuild.Build without = maven(Map.of(), "process-classes");
    assertEquals(0, without.exitCode(), without.output());
    assertFalse(Files.readString(resource, UTF_8).contains("feature-x"), without.output());
  }

  @Test
  @Order(5)
  void aBuildWithNothingChangedCompilesNothing() throws Exception {
    ItBuild.Build again = maven(Map.of(), "process-classes");
    assertEquals(0, again.exitCode(), again.output());
    assertTrue(again.output().contains("LakeForge: topology up to date"), again.output());
    assertTrue(again.output().contains("Nothing to compile"), again.output());
    assertFalse(again.output().contains("Compiling "), again.output());
  }

  @Test
  @Order(6)
  void aStaleCommittedFileFailsTheBuildInCi() throws Exception {
    String current = Files.readString(resource, UTF_8);
    Files.writeString(resource, current.replace("branch_id: dev", "branch_id: development"), UTF_8);
    ItBuild.Build ci = maven(Map.of("CI", "true"), "process-classes");
    assertNotEquals(0, ci.exitCode(), ci.output());
    assertTrue(ci.output().contains("resources/lakebase.yml is stale"), ci.output());
    assertTrue(Files.readString(resource, UTF_8).contains("branch_id: development"),
        "the check writes nothing");
    Files.writeString(resource, current, UTF_8);
  }

  @Test
  @Order(7)
  void anUndeclaredVariableFailsWithTheSnippetToPaste() throws Exception {
    String bundle = Files.readString(bundleFile, UTF_8);
    Files.writeString(bundleFile, bundle.replace("  shop_app:\n", "  shop_application:\n"), UTF_8);
    ItBuild.Build build = maven(Map.of(), "process-classes");
    assertNotEquals(0, build.exitCode(), build.output());
    assertTrue(build.output().contains("references shop_app, which databricks.yml does not declare"),
        build.output());
    assertTrue(build.output().contains("  shop_app:\n"), build.output());
    assertTrue(build.output().contains("description: TODO say what shop_app is"), build.output());
    Files.writeString(bundleFile, bundle, UTF_8);
  }

  private static Path generated() {
    return project.resolve("target/classes/META-INF/lakeforge/shop-db/lakebase.yml");
  }

  private static ItBuild.Build maven(Map<String, String> env, String... args) throws Exception {
    return ItBuild.maven(project, env, args);
  }
}
