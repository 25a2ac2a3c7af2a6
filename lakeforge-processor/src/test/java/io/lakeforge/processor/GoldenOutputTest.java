package io.lakeforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Snapshot and fine-grained checks of what the processor writes for {@code good/Showcase.java}.
 * Regenerate the snapshots with {@code LAKEFORGE_UPDATE_GOLDEN=1}.
 */
class GoldenOutputTest {

  private final Compilation compilation =
      Compiles.compileResources(List.of(), "good/Showcase.java");

  @Test
  void yamlMatchesGoldenFile() throws IOException {
    String yaml = Compiles.yaml(compilation, "showcase").orElseThrow();
    assertEquals(Compiles.golden("expected/showcase.lakebase.yml", yaml), yaml);
  }

  @Test
  void accessorMatchesGoldenFile() throws IOException {
    String java = Compiles.generatedSource(compilation, "good.Lakes").orElseThrow();
    assertEquals(Compiles.golden("expected/Lakes.java", java), java);
  }

  /**
   * Annotations take only constants: {@code Lakes.Ids.STAGING} is one, so a misspelt branch in an
   * annotation (issue 19, 4) is a compile error, not a branch that exists only offline.
   */
  @Test
  void branchIdsAreConstantsAnAnnotationAccepts() {
    Compilation c = Compiles.compile(
        com.google.testing.compile.JavaFileObjects.forResource("good/Showcase.java"),
        Compiles.source("good.UsesIds", "package good;",
            "@interface From { String value(); }",
            "@From(Lakes.Ids.STAGING) final class UsesIds {",
            "  static final String ID = Lakes.Ids.FEATURE_LOGIN;",
            "  static { switch (ID) { case Lakes.Ids.QA: break; default: break; } }",
            "}"));
    assertEquals(Compilation.Status.SUCCESS, c.status(), c.diagnostics()::toString);
  }

  @Test
  void accessYamlMatchesGoldenFile() throws IOException {
    Compilation access = Compiles.compileResources(List.of(), "good/Access.java");
    String yaml = Compiles.yaml(access, "access").orElseThrow();
    assertEquals(Compiles.golden("expected/access.lakebase.yml", yaml), yaml);
  }

  @Test
  void accessAccessorMatchesGoldenFile() throws IOException {
    Compilation access = Compiles.compileResources(List.of(), "good/Access.java");
    String java = Compiles.generatedSource(access, "good.Estate").orElseThrow();
    assertEquals(Compiles.golden("expected/Estate.java", java), java);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRoleAndDatabaseIsWrittenPerBranchAndTakesOverWhatTheBranchInherited() {
    Compilation access = Compiles.compileResources(
        List.of("-Alakeforge.branches=preview"), "good/Access.java");
    Map<String, Object> resources = (Map<String, Object>)
        ((Map<String, Object>) new Load(LoadSettings.builder().build())
            .loadFromString(Compiles.yaml(access, "access").orElseThrow())).get("resources");
    Map<String, Map<String, Object>> roles =
        (Map<String, Map<String, Object>>) resources.get("postgres_roles");
    assertEquals(List.of("role_dev__app_role", "role_dev__ci_role", "role_dev__readers",
        "role_preview__app_role", "role_production__app_role", "role_production__dba_role",
        "role_staging__app_role", "role_staging__readers"), List.copyOf(roles.keySet()),
        "a role without branches is on every branch, extra branches included");
    for (Map<String, Object> role : roles.values()) {
      assertEquals(true, role.get("replace_existing"), role::toString);
      assertEquals("LAKEBASE_OAUTH_V1", role.get("auth_method"), role::toString);
    }
    Map<String, Map<String, Object>> databases =
        (Map<String, Map<String, Object>>) resources.get("postgres_databases");
    assertEquals(Map.of("parent", "${resources.postgres_branches.branch_preview.id}",
        "database_id", "order-history", "postgres_database", "order_history",
        "role", "${resources.postgres_roles.role_preview__app_role.id}",
        "replace_existing", true), databases.get("database_preview__order_history"),
        "owned by the owner's role on the same branch");
  }

  @Test
  @SuppressWarnings("unchecked")
  void primaryWithoutACuRangeKeepsItsSize() {
    Compilation access = Compiles.compileResources(List.of(), "good/Access.java");
    Map<String, Object> resources = (Map<String, Object>)
        ((Map<String, Object>) new Load(LoadSettings.builder().build())
            .loadFromString(Compiles.yaml(access, "access").orElseThrow())).get("resources");
    Map<String, Map<String, Object>> endpoints =
        (Map<String, Map<String, Object>>) resources.get("postgres_endpoints");
    assertEquals(Map.of("parent", "${resources.postgres_branches.branch_dev.id}",
        "endpoint_id", "primary", "endpoint_type", "ENDPOINT_TYPE_READ_WRITE",
        "suspend_timeout_duration", "60s", "replace_existing", true),
        endpoints.get("endpoint_dev_primary"));
  }

  @Test
  void yamlIsDeterministicUtf8WithUnixLineEndingsAndAHeader() {
    String first = Compiles.yaml(compilation, "showcase").orElseThrow();
    String second = Compiles.yaml(
        Compiles.compileResources(List.of(), "good/Showcase.java"), "showcase").orElseThrow();
    assertEquals(first, second);
    assertFalse(first.contains("\r"));
    assertTrue(first.startsWith("# Generated by LakeForge from good.Showcase."), first);
  }

  @Test
  @SuppressWarnings("unchecked")
  void yamlParsedBackEqualsTheTopology() {
    String yaml = Compiles.yaml(compilation, "showcase").orElseThrow();
    Map<String, Object> resources = (Map<String, Object>)
        ((Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml))
            .get("resources");

    Map<String, Object> project = (Map<String, Object>)
        ((Map<String, Object>) resources.get("postgres_projects")).get("lakebase_project");
    assertEquals(Map.of("project_id", "${var.project_name}", "display_name",
        "${var.project_name}", "pg_version", 16), project);

    Map<String, Map<String, Object>> branches =
        (Map<String, Map<String, Object>>) resources.get("postgres_branches");
    assertEquals(List.of("branch_feature_login", "branch_no", "branch_production", "branch_qa",
        "branch_staging"), List.copyOf(branches.keySet()), "sorted resource keys");
    String projectRef = "${resources.postgres_projects.lakebase_project.id}";
    assertEquals(Map.of("parent", projectRef, "branch_id", "production", "is_protected", true,
        "no_expiry", true, "replace_existing", true, "lifecycle", Map.of("prevent_destroy", true)),
        branches.get("branch_production"), "a protected branch is guarded by default");
    assertEquals(Map.of("parent", projectRef, "branch_id", "staging", "source_branch",
        "${resources.postgres_branches.branch_production.id}", "no_expiry", true),
        branches.get("branch_staging"));
    assertEquals(Map.of("parent", projectRef, "branch_id", "feature-login", "source_branch",
        "${resources.postgres_branches.branch_staging.id}", "ttl", "43200s"),
        branches.get("branch_feature_login"));
    assertEquals(Map.of("parent", projectRef, "branch_id", "no", "no_expiry", true),
        branches.get("branch_no"), "a YAML 1.2 reader too gets the string \"no\"");

    Map<String, Map<String, Object>> endpoints =
        (Map<String, Map<String, Object>>) resources.get("postgres_endpoints");
    assertEquals(Map.of("parent", "${resources.postgres_branches.branch_feature_login.id}",
        "endpoint_id", "reports", "endpoint_type", "ENDPOINT_TYPE_READ_ONLY",
        "autoscaling_limit_min_cu", 0.5, "autoscaling_limit_max_cu", 2),
        endpoints.get("endpoint_feature_login_reports"));
    assertEquals(Map.of("parent", "${resources.postgres_branches.branch_qa.id}",
        "endpoint_id", "readonly", "endpoint_type", "ENDPOINT_TYPE_READ_ONLY",
        "autoscaling_limit_min_cu", "${var.lakebase_min_cu}",
        "autoscaling_limit_max_cu", "${var.lakebase_max_cu}"),
        endpoints.get("endpoint_qa_readonly"));
    assertEquals(Map.of("parent", "${resources.postgres_branches.branch_production.id}",
        "endpoint_id", "primary", "endpoint_type", "ENDPOINT_TYPE_READ_WRITE",
        "autoscaling_limit_min_cu", 1, "autoscaling_limit_max_cu", 8, "replace_existing", true),
        endpoints.get("endpoint_production_primary"), "primary is taken over, read-write");
    assertEquals(Map.of("parent", "${resources.postgres_branches.branch_no.id}",
        "endpoint_id", "primary", "endpoint_type", "ENDPOINT_TYPE_READ_WRITE",
        "autoscaling_limit_min_cu", 0.5, "autoscaling_limit_max_cu", 2, "replace_existing", true),
        endpoints.get("endpoint_no_primary"));
    assertEquals(List.of("endpoint_feature_login_reports", "endpoint_no_primary",
        "endpoint_production_primary", "endpoint_production_readonly", "endpoint_qa_readonly",
        "endpoint_staging_readonly"), List.copyOf(endpoints.keySet()));
    endpoints.values().forEach(e -> assertEquals(e.get("endpoint_id").equals("primary"),
        e.get("endpoint_type").equals("ENDPOINT_TYPE_READ_WRITE"), e::toString));
  }

  @Test
  void yaml11KeywordsAreQuotedSoEveryReaderGetsAString() {
    String yaml = Compiles.yaml(compilation, "showcase").orElseThrow();
    assertTrue(yaml.contains("branch_id: \"no\"\n"), yaml);
    assertFalse(yaml.contains("branch_id: no\n"), yaml);
  }

  @Test
  void accessorOfABranchWithoutReadOnlyEndpointSaysSo() {
    String java = Compiles.generatedSource(compilation, "good.Lakes").orElseThrow();
    assertTrue(java.contains("new BranchRef(PROJECT_ID, \"no\", \"primary\", \"\")"), java);
    assertTrue(java.contains("Branch {@code no}: read-write endpoint {@code primary}, no read-only"
        + " endpoint."), java);
  }
}
