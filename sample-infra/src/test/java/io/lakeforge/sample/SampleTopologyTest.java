package io.lakeforge.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lakeforge.annotations.BranchRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sample build: committed outputs equal a fresh build, and the accessor works. */
class SampleTopologyTest {

  private static final Path FRESH_YAML =
      Path.of("target/classes/META-INF/lakeforge/lakeforge-main/lakebase.yml");

  @Test
  void committedBundleFileEqualsTheFreshBuild() throws IOException {
    // resources/lakebase.yml is overwritten only at `package`, after this test ran.
    assertEquals(
        Files.readString(FRESH_YAML, UTF_8),
        Files.readString(Path.of("../resources/lakebase.yml"), UTF_8),
        "resources/lakebase.yml is stale: run ./mvnw package and commit it");
  }

  @Test
  void generatedAccessorMatchesGoldenFile() throws IOException {
    assertEquals(
        Files.readString(Path.of("src/test/resources/expected/Branches.java.txt"), UTF_8),
        Files.readString(
            Path.of("target/generated-sources/annotations/io/lakeforge/sample/Branches.java"), UTF_8));
  }

  @Test
  void accessorCarriesIdsAndEndpointPaths() {
    assertEquals("lakeforge-main", Branches.PROJECT_ID);
    assertEquals(List.of("dev", "staging", "pre-prod"),
        Branches.all().stream().map(BranchRef::branchId).toList());
    assertEquals("projects/lakeforge-main/branches/pre-prod/endpoints/readonly",
        Branches.PRE_PROD.readOnlyEndpointPath());
    assertEquals("projects/lakeforge-main/branches/dev/endpoints/primary",
        Branches.DEV.readWriteEndpointPath());
    assertEquals(Optional.of(Branches.STAGING), Branches.byId("staging"));
    assertEquals(Optional.empty(), Branches.byId("prod"));
    assertEquals("projects/other/branches/dev/endpoints/primary",
        Branches.DEV.withProjectId("other").readWriteEndpointPath());
  }
}
