package io.lakeforge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Structural rules of the GitHub workflows: keyless auth, least privilege, pinned versions. */
@SuppressWarnings("unchecked")
class WorkflowStructureTest {

  private static final Path WORKFLOWS = Path.of("../.github/workflows");
  private static final Set<String> ALLOWED_SECRETS = Set.of("DATABRICKS_HOST", "DATABRICKS_CLIENT_ID");
  private static final Pattern SHA_PIN = Pattern.compile("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}");

  private static Map<String, Object> load(String name) throws IOException {
    return (Map<String, Object>) new Load(LoadSettings.builder().build())
        .loadFromString(Files.readString(WORKFLOWS.resolve(name), StandardCharsets.UTF_8));
  }

  private static List<String> workflowNames() throws IOException {
    try (Stream<Path> files = Files.list(WORKFLOWS)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
    }
  }

  private static Map<String, Map<String, Object>> jobs(Map<String, Object> workflow) {
    return (Map<String, Map<String, Object>>) workflow.get("jobs");
  }

  @Test
  void theThreeWorkflowsExist() throws IOException {
    assertEquals(List.of("deploy.yml", "destroy.yml", "verify.yml"), workflowNames());
  }

  @Test
  void onlyTheTwoNonSecretSecretsAreReferenced() throws IOException {
    Set<String> used = new TreeSet<>();
    for (String name : workflowNames()) {
      String text = Files.readString(WORKFLOWS.resolve(name));
      Matcher m = Pattern.compile("secrets\\.(\\w+)").matcher(text);
      while (m.find()) {
        used.add(m.group(1));
      }
      assertFalse(text.contains("DATABRICKS_TOKEN"), name);
      assertFalse(text.contains("CLIENT_SECRET"), name);
    }
    assertEquals(ALLOWED_SECRETS, used);
  }

  @Test
  void everyActionIsPinnedToACommit() throws IOException {
    for (String name : workflowNames()) {
      for (Map<String, Object> job : jobs(load(name)).values()) {
        for (Map<String, Object> step : (List<Map<String, Object>>) job.get("steps")) {
          Object uses = step.get("uses");
          if (uses != null) {
            assertTrue(SHA_PIN.matcher(uses.toString()).matches(), name + ": " + uses);
          }
        }
      }
    }
  }

  @Test
  void theDatabricksCliVersionIsPinnedAtOrAbove0287() throws IOException {
    String script = Files.readString(Path.of("../scripts/install-databricks-cli.sh"));
    Matcher m = Pattern.compile("(?m)^VERSION=\"(\\d+)\\.(\\d+)\\.(\\d+)\"$").matcher(script);
    assertTrue(m.find(), "VERSION is pinned");
    assertTrue(Integer.parseInt(m.group(1)) > 0 || Integer.parseInt(m.group(2)) >= 287, m.group());
    assertTrue(script.contains("sha256sum --check"), "the download is verified");
  }

  @Test
  void jobsThatTalkToDatabricksUseOidcWithLeastPrivilege() throws IOException {
    int databricksJobs = 0;
    for (String name : workflowNames()) {
      Map<String, Object> workflow = load(name);
      assertEquals(Map.of("contents", "read"), workflow.get("permissions"), name + ": default permissions");
      for (Map.Entry<String, Map<String, Object>> e : jobs(workflow).entrySet()) {
        Map<String, Object> job = e.getValue();
        Map<String, Object> env = (Map<String, Object>) job.getOrDefault("env", Map.of());
        String where = name + " job " + e.getKey();
        if (!env.containsKey("DATABRICKS_HOST")) {
          assertFalse(job.containsKey("permissions") && String.valueOf(job.get("permissions")).contains("id-token"),
              where + " needs no id-token");
          continue;
        }
        databricksJobs++;
        assertEquals("github-oidc", env.get("DATABRICKS_AUTH_TYPE"), where);
        assertEquals("${{ secrets.DATABRICKS_HOST }}", env.get("DATABRICKS_HOST"), where);
        assertEquals("${{ secrets.DATABRICKS_CLIENT_ID }}", env.get("DATABRICKS_CLIENT_ID"), where);
        assertEquals(Map.of("id-token", "write", "contents", "read"), job.get("permissions"), where);
        assertNotNull(job.get("environment"), where + " has an environment (stable OIDC subject)");
        Object concurrency = job.containsKey("concurrency") ? job.get("concurrency") : workflow.get("concurrency");
        assertNotNull(concurrency, where + " is serialized");
      }
    }
    assertEquals(3, databricksJobs, "deploy, destroy and the pull-request plan");
  }

  @Test
  void deployAndDestroyShareOneConcurrencyGroupPerProject() throws IOException {
    for (String name : List.of("deploy.yml", "destroy.yml")) {
      Map<String, Object> concurrency = (Map<String, Object>) load(name).get("concurrency");
      assertEquals("lakebase-${{ inputs.project_name }}", concurrency.get("group"), name);
      assertEquals(false, concurrency.get("cancel-in-progress"), name);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"deploy.yml:deploy", "destroy.yml:destroy"})
  void stepsRunTheTestedScriptsInOrderWithoutInterpolatingInputs(String spec) throws IOException {
    String[] parts = spec.split(":");
    Map<String, Object> job = jobs(load(parts[0])).get(parts[1]);
    List<String> runs = new ArrayList<>();
    for (Map<String, Object> step : (List<Map<String, Object>>) job.get("steps")) {
      if (step.containsKey("run")) {
        String run = step.get("run").toString();
        assertFalse(run.contains("${{"), parts[0] + ": inputs reach steps only through env: " + run);
        runs.add(run.strip());
      }
    }
    assertEquals(List.of(
        "scripts/validate-inputs.sh",
        "scripts/generate.sh",
        "scripts/install-databricks-cli.sh",
        "databricks current-user me --output json | jq '{userName, displayName}'",
        "scripts/bundle.sh " + parts[1]), runs);
  }

  @Test
  void destroyNeedsATypedConfirmationAndItsOwnEnvironment() throws IOException {
    Map<String, Object> workflow = load("destroy.yml");
    Map<String, Object> inputs = (Map<String, Object>)
        ((Map<String, Object>) ((Map<String, Object>) workflow.get("on")).get("workflow_dispatch")).get("inputs");
    assertEquals(true, ((Map<String, Object>) inputs.get("confirm")).get("required"));
    Map<String, Object> job = jobs(workflow).get("destroy");
    assertEquals("lakebase-destroy", job.get("environment"));
    Map<String, Object> env = (Map<String, Object>) job.get("env");
    assertEquals("${{ inputs.confirm }}", env.get("CONFIRM_PROJECT_NAME"));
    assertEquals("destroy", env.get("LAKEFORGE_ACTION"));
  }

  @Test
  void thePullRequestPlanNeverRunsForForks() throws IOException {
    Map<String, Object> plan = jobs(load("verify.yml")).get("plan");
    assertEquals("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
        plan.get("if"));
  }
}
