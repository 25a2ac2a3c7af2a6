package io.lakeforge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Structural rules of the GitHub workflows: which job may mint a token and as whom, where the
 * build runs, how the plan travels to the job that applies it, pinned versions, no secrets.
 */
@SuppressWarnings("unchecked")
class WorkflowStructureTest {

  private static final Path ROOT = Path.of("..");
  private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
  private static final Pattern SHA_PIN = Pattern.compile("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}");
  private static final String PLAN_ID = "${{ vars.DATABRICKS_PLAN_CLIENT_ID }}";
  private static final String DEPLOY_ID = "${{ vars.DATABRICKS_DEPLOY_CLIENT_ID }}";
  private static final String PREVIEW_ID = "${{ vars.DATABRICKS_PREVIEW_CLIENT_ID }}";
  private static final String APP_ID = "${{ vars.DATABRICKS_APP_CLIENT_ID }}";
  /** The principal variables the bundle names (scripts/lib.sh validate_principals) and their sources. */
  private static final Map<String, String> PRINCIPALS = Map.of(
      "BUNDLE_VAR_deploy_principal", DEPLOY_ID,
      "BUNDLE_VAR_plan_principal", PLAN_ID,
      "BUNDLE_VAR_preview_principal", PREVIEW_ID,
      "BUNDLE_VAR_app_principal", APP_ID);
  // What pull_request_target and workflow_run jobs check out: the default branch's tip, whose workflow file runs.
  private static final String DEFAULT_TIP = "${{ github.sha }}";
  private static final String ON_MAIN = "github.ref == 'refs/heads/main'";

  /** Jobs without a token that need a permission beyond the default, and exactly which. */
  private static final Map<String, Map<String, String>> TOKENLESS_PERMISSIONS = Map.of(
      // download-artifact reads the triggering Verify run's artifact.
      "plan-pr.yml:check", Map.of("actions", "read", "contents", "read"),
      "verify.yml:real-cli", Map.of("contents", "read"));

  /** A job that holds id-token: its environment, its identity and the bundle step it runs. */
  private record TokenJob(String environment, String clientId, String bundleStep) {}

  private static final Map<String, TokenJob> TOKEN_JOBS = Map.of(
      "deploy.yml:plan", new TokenJob("lakebase-plan", PLAN_ID, "scripts/bundle.sh plan"),
      "deploy.yml:apply", new TokenJob("lakebase", DEPLOY_ID, "scripts/bundle.sh apply"),
      "destroy.yml:plan", new TokenJob("lakebase-plan", PLAN_ID, "scripts/bundle.sh destroy-plan"),
      "destroy.yml:destroy", new TokenJob("lakebase-destroy", DEPLOY_ID, "scripts/bundle.sh destroy"),
      "plan-pr.yml:plan", new TokenJob("lakebase-plan", PLAN_ID, "scripts/bundle.sh plan"),
      "preview.yml:preview", new TokenJob("lakebase-preview", PREVIEW_ID, ""));

  private static Map<String, Object> load(Path file) throws IOException {
    return (Map<String, Object>) new Load(LoadSettings.builder().build())
        .loadFromString(Files.readString(file, StandardCharsets.UTF_8));
  }

  private static Map<String, Object> load(String name) throws IOException {
    return load(WORKFLOWS.resolve(name));
  }

  private static List<String> workflowNames() throws IOException {
    try (Stream<Path> files = Files.list(WORKFLOWS)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
    }
  }

  private static Map<String, Map<String, Object>> jobs(Map<String, Object> workflow) {
    return (Map<String, Map<String, Object>>) workflow.get("jobs");
  }

  private static Map<String, Object> job(String spec) throws IOException {
    String[] parts = spec.split(":");
    return jobs(load(parts[0])).get(parts[1]);
  }

  private static List<Map<String, Object>> steps(Map<String, Object> job) {
    return (List<Map<String, Object>>) job.get("steps");
  }

  private static Map<String, Object> env(Map<String, Object> job) {
    return (Map<String, Object>) job.getOrDefault("env", Map.of());
  }

  private static List<String> runs(Map<String, Object> job) {
    List<String> runs = new ArrayList<>();
    for (Map<String, Object> step : steps(job)) {
      if (step.containsKey("run")) {
        runs.add(step.get("run").toString().strip());
      }
    }
    return runs;
  }

  private static List<String> uses(Map<String, Object> job) {
    List<String> uses = new ArrayList<>();
    for (Map<String, Object> step : steps(job)) {
      if (step.containsKey("uses")) {
        uses.add(step.get("uses").toString().replaceAll("@.*", ""));
      }
    }
    return uses;
  }

  /** The artifact names a job uploads (or downloads) with actions/upload-artifact (download-artifact). */
  private static List<String> artifacts(Map<String, Object> job, String action) {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> step : steps(job)) {
      if (String.valueOf(step.get("uses")).startsWith("actions/" + action + "@")) {
        names.add(((Map<String, Object>) step.get("with")).get("name").toString());
      }
    }
    return names;
  }

  private static Map<String, Object> inputs(String workflow) throws IOException {
    Map<String, Object> on = (Map<String, Object>) load(workflow).get("on");
    return (Map<String, Object>) ((Map<String, Object>) on.get("workflow_dispatch")).get("inputs");
  }

  @Test
  void theFiveWorkflowsExist() throws IOException {
    assertEquals(List.of("deploy.yml", "destroy.yml", "plan-pr.yml", "preview.yml", "verify.yml"), workflowNames());
  }

  @Test
  void noSecretIsReferencedAndNoTokenOrClientSecretAppears() throws IOException {
    for (String name : workflowNames()) {
      String text = Files.readString(WORKFLOWS.resolve(name));
      assertFalse(text.contains("secrets."), name + ": host and client ids are repository variables");
      assertFalse(Pattern.compile("DATABRICKS_TOKEN(?!_AUDIENCE)").matcher(text).find(), name);
      assertFalse(text.contains("CLIENT_SECRET"), name);
    }
  }

  @Test
  void everyActionIsPinnedToACommit() throws IOException {
    for (String name : workflowNames()) {
      for (Map<String, Object> job : jobs(load(name)).values()) {
        for (Map<String, Object> step : steps(job)) {
          Object uses = step.get("uses");
          if (uses != null) {
            assertTrue(SHA_PIN.matcher(uses.toString()).matches(), name + ": " + uses);
          }
        }
      }
    }
  }

  @Test
  void everyRunStepUsesBashWithPipefail() throws IOException {
    // GitHub runs an explicit `shell: bash` as `bash -eo pipefail`; its default is `bash -e`.
    for (String name : workflowNames()) {
      Map<String, Object> workflow = load(name);
      assertEquals(Map.of("run", Map.of("shell", "bash")), workflow.get("defaults"), name);
      for (Map.Entry<String, Map<String, Object>> e : jobs(workflow).entrySet()) {
        assertNull(e.getValue().get("defaults"), name + " job " + e.getKey());
        for (Map<String, Object> step : steps(e.getValue())) {
          assertNull(step.get("shell"), name + " job " + e.getKey() + ": " + step);
        }
      }
    }
  }

  @Test
  void checkoutNeverPersistsCredentials() throws IOException {
    for (String name : workflowNames()) {
      for (Map.Entry<String, Map<String, Object>> e : jobs(load(name)).entrySet()) {
        for (Map<String, Object> step : steps(e.getValue())) {
          if (String.valueOf(step.get("uses")).startsWith("actions/checkout@")) {
            Map<String, Object> with = (Map<String, Object>) step.getOrDefault("with", Map.of());
            assertEquals(false, with.get("persist-credentials"), name + " job " + e.getKey());
          }
        }
      }
    }
  }

  @Test
  void exactlyTheListedJobsHoldIdTokenEachWithItsEnvironmentAndIdentity() throws IOException {
    Map<String, TokenJob> found = new TreeMap<>();
    for (String name : workflowNames()) {
      Map<String, Object> workflow = load(name);
      assertEquals(Map.of("contents", "read"), workflow.get("permissions"), name + ": default permissions");
      for (Map.Entry<String, Map<String, Object>> e : jobs(workflow).entrySet()) {
        Map<String, Object> job = e.getValue();
        String where = name + ":" + e.getKey();
        if (!String.valueOf(job.get("permissions")).contains("id-token")) {
          assertFalse(env(job).containsKey("DATABRICKS_HOST"), where + " talks to Databricks without a token");
          assertEquals(TOKENLESS_PERMISSIONS.get(where), job.get("permissions"), where + ": permissions of a token-less job");
          continue;
        }
        Map<String, Object> env = env(job);
        assertEquals(Map.of("id-token", "write", "contents", "read"), job.get("permissions"), where);
        assertEquals("github-oidc", env.get("DATABRICKS_AUTH_TYPE"), where);
        assertEquals("${{ vars.DATABRICKS_HOST }}", env.get("DATABRICKS_HOST"), where);
        assertEquals("${{ vars.DATABRICKS_TOKEN_AUDIENCE }}", env.get("DATABRICKS_TOKEN_AUDIENCE"), where);
        if (name.equals("preview.yml")) {
          assertNull(env.get("BUNDLE_VAR_deploy_principal"), where + ": previews never touch the bundle");
        } else {
          assertEquals(DEPLOY_ID, env.get("BUNDLE_VAR_deploy_principal"), where + ": the state lives with the deployer");
        }
        String bundleStep = runs(job).stream().filter(r -> r.startsWith("scripts/bundle.sh")).findFirst().orElse("");
        found.put(where, new TokenJob(String.valueOf(job.get("environment")),
            String.valueOf(env.get("DATABRICKS_CLIENT_ID")), bundleStep));
      }
    }
    assertEquals(new TreeMap<>(TOKEN_JOBS), found);
  }

  @Test
  void everyBundleVariableWithoutADefaultIsSetInEveryJobThatRunsTheBundle() throws IOException {
    Map<String, Map<String, Object>> variables =
        (Map<String, Map<String, Object>>) load(ROOT.resolve("databricks.yml")).get("variables");
    Set<String> required = new TreeSet<>();
    variables.forEach((name, spec) -> {
      if (spec == null || !spec.containsKey("default")) {
        required.add(name);
      }
    });
    assertTrue(required.contains("app_principal"), "the sample's application role needs its id: " + required);
    for (Map.Entry<String, TokenJob> e : TOKEN_JOBS.entrySet()) {
      if (!e.getValue().bundleStep().startsWith("scripts/bundle.sh")) {
        continue; // the preview job never runs the bundle
      }
      String spec = e.getKey();
      Map<String, Object> env = env(job(spec));
      for (String name : required) {
        assertTrue(env.containsKey("BUNDLE_VAR_" + name),
            spec + " runs the bundle without BUNDLE_VAR_" + name + " (databricks.yml has no default)");
      }
      PRINCIPALS.forEach((name, source) -> assertEquals(source, env.get(name), spec + ": " + name));
    }
  }

  @Test
  void everyPrincipalVariableIsCheckedBeforeAnyJobThatHoldsAToken() throws IOException {
    // scripts/validate-inputs.sh runs validate_principals in the first job of a deploy or destroy.
    Map<String, Object> generate = job("deploy.yml:generate");
    assertEquals(PRINCIPALS, filtered(env(generate), PRINCIPALS.keySet()), "deploy.yml:generate");
    assertEquals("scripts/validate-inputs.sh", runs(generate).get(0));
    Map<String, Object> plan = job("destroy.yml:plan");
    assertEquals("scripts/validate-inputs.sh", runs(plan).get(0));
    Set<String> required = new TreeSet<>();
    ((Map<String, Object>) load(ROOT.resolve("databricks.yml")).get("variables")).keySet().stream()
        .filter(name -> name.endsWith("_principal")).forEach(name -> required.add("BUNDLE_VAR_" + name));
    assertEquals(new TreeSet<>(PRINCIPALS.keySet()), required, "every principal databricks.yml names is checked");
  }

  private static Map<String, Object> filtered(Map<String, Object> env, Set<String> names) {
    Map<String, Object> out = new TreeMap<>();
    env.forEach((k, v) -> {
      if (names.contains(k)) {
        out.put(k, v);
      }
    });
    return out;
  }

  @Test
  void onlyMainMayApplyOrDestroy() throws IOException {
    assertEquals(ON_MAIN, job("deploy.yml:apply").get("if"));
    assertEquals(ON_MAIN, job("destroy.yml:destroy").get("if"));
  }

  @Test
  void jobsThatHoldATokenBuildNothingAndRestoreNoCache() throws IOException {
    for (String spec : TOKEN_JOBS.keySet()) {
      Map<String, Object> job = job(spec);
      List<String> uses = uses(job);
      assertFalse(uses.contains("actions/setup-java"), spec);
      assertFalse(uses.contains("actions/cache"), spec);
      for (String run : runs(job)) {
        assertFalse(run.contains("mvnw") || run.contains("generate.sh") || run.contains("mvn "), spec + ": " + run);
      }
    }
  }

  @Test
  void tokenJobsRunTheTestedScriptsInOrderWithoutInterpolatingInputs() throws IOException {
    for (Map.Entry<String, TokenJob> e : TOKEN_JOBS.entrySet()) {
      List<String> runs = runs(job(e.getKey()));
      for (String run : runs) {
        assertFalse(run.contains("${{"), e.getKey() + ": inputs reach steps only through env: " + run);
      }
      if (e.getKey().equals("preview.yml:preview")) {
        assertEquals(List.of("scripts/preview.sh"), runs, e.getKey());
        continue;
      }
      List<String> expected = new ArrayList<>();
      if (e.getKey().equals("destroy.yml:plan")) {
        expected.add("scripts/validate-inputs.sh");
      }
      if (e.getKey().equals("plan-pr.yml:plan")) {
        // The downloaded bundle is checked again in the job that hands it to the CLI.
        expected.add("scripts/check-staged-bundle.sh target/delivery/bundle");
      }
      expected.addAll(List.of("scripts/install-databricks-cli.sh", "scripts/whoami.sh", e.getValue().bundleStep()));
      assertEquals(expected, runs, e.getKey());
    }
  }

  @Test
  void theDeployGeneratesWithoutATokenAndHandsThePlanToTheApply() throws IOException {
    Map<String, Object> generate = job("deploy.yml:generate");
    assertEquals(List.of("scripts/validate-inputs.sh", "scripts/generate.sh", "scripts/bundle.sh stage"), runs(generate));
    assertEquals(List.of("lakebase-bundle"), artifacts(generate, "upload-artifact"));

    Map<String, Object> plan = job("deploy.yml:plan");
    assertEquals("generate", plan.get("needs"));
    assertEquals(List.of("lakebase-bundle"), artifacts(plan, "download-artifact"));
    assertEquals(List.of("lakebase-plan"), artifacts(plan, "upload-artifact"));

    Map<String, Object> apply = job("deploy.yml:apply");
    assertEquals("plan", apply.get("needs"));
    assertEquals(List.of("lakebase-plan"), artifacts(apply, "download-artifact"));
    assertEquals(List.of(), artifacts(apply, "upload-artifact"));
  }

  @Test
  void theDestroyPlanIsWhatTheDestroyJobChecks() throws IOException {
    Map<String, Object> plan = job("destroy.yml:plan");
    assertEquals(List.of("lakebase-destroy-plan"), artifacts(plan, "upload-artifact"));
    Map<String, Object> destroy = job("destroy.yml:destroy");
    assertEquals("plan", destroy.get("needs"));
    assertEquals(List.of("lakebase-destroy-plan"), artifacts(destroy, "download-artifact"));
  }

  @Test
  void thePullRequestPlanUsesTheBundleBuiltWithoutATokenCheckedByTheDefaultBranchsCode() throws IOException {
    Map<String, Object> verify = job("verify.yml:verify");
    assertEquals(List.of("lakebase-bundle"), artifacts(verify, "upload-artifact"));
    assertEquals("Verify", load("verify.yml").get("name"));

    // workflow_run: GitHub runs the default branch's copy of plan-pr.yml.
    Map<String, Object> on = (Map<String, Object>) load("plan-pr.yml").get("on");
    assertEquals(Set.of("workflow_run"), on.keySet());
    assertEquals(Map.of("workflows", List.of("Verify"), "types", List.of("completed")), on.get("workflow_run"));

    Map<String, Object> check = job("plan-pr.yml:check");
    assertEquals(List.of("lakebase-bundle"), artifacts(check, "download-artifact"));
    assertEquals(List.of("lakebase-pr-bundle"), artifacts(check, "upload-artifact"));
    assertTrue(runs(check).contains("scripts/check-staged-bundle.sh \"$ARTIFACT/bundle\""), "plan-pr.yml:check");
    for (Map<String, Object> step : steps(check)) {
      if (String.valueOf(step.get("uses")).startsWith("actions/download-artifact@")) {
        assertEquals("${{ github.event.workflow_run.id }}", ((Map<String, Object>) step.get("with")).get("run-id"),
            "the Verify run's artifact, never this run's");
      }
    }

    Map<String, Object> plan = job("plan-pr.yml:plan");
    assertEquals("check", plan.get("needs"));
    assertEquals(List.of("lakebase-pr-bundle"), artifacts(plan, "download-artifact"));
    assertEquals(List.of(), artifacts(plan, "upload-artifact"));
    assertEquals("report", env(plan).get("DELETE_GUARD"));
    assertEquals("lakeforge-main", env(plan).get("PROJECT_NAME"));

    // Both jobs check out the default branch's commit, never the pull request's.
    for (String spec : List.of("plan-pr.yml:check", "plan-pr.yml:plan")) {
      for (Map<String, Object> step : steps(job(spec))) {
        if (String.valueOf(step.get("uses")).startsWith("actions/checkout@")) {
          assertEquals(DEFAULT_TIP, ((Map<String, Object>) step.get("with")).get("ref"), spec);
        }
      }
    }
  }

  @Test
  void verifyHoldsNoTokenAndRunsTheDeliveryTestsWithTheStubAndTheRealCli() throws IOException {
    for (Map.Entry<String, Map<String, Object>> e : jobs(load("verify.yml")).entrySet()) {
      assertFalse(String.valueOf(e.getValue().get("permissions")).contains("id-token"), "verify.yml:" + e.getKey());
      assertFalse(String.valueOf(e.getValue().get("environment")).startsWith("lakebase"), "verify.yml:" + e.getKey());
    }
    assertEquals(Set.of("verify", "real-cli"), jobs(load("verify.yml")).keySet());
    assertTrue(runs(job("verify.yml:verify")).contains("scripts/test/delivery-test.sh"));
    Map<String, Object> realCli = job("verify.yml:real-cli");
    assertEquals(Map.of("contents", "read"), realCli.get("permissions"));
    List<String> runs = runs(realCli);
    assertTrue(runs.contains("scripts/install-databricks-cli.sh"), "the real-CLI test uses the pinned CLI: " + runs);
    assertTrue(runs.stream().anyMatch(r -> r.contains("scripts/test/real-cli-test.sh")
        && r.contains("DATABRICKS_CLI=")), "the real-CLI test gets the installed CLI: " + runs);
  }

  @Test
  void thePreviewRunsOnlyTheDefaultBranchsCodeWithATokenAndSkipsForks() throws IOException {
    Map<String, Object> workflow = load("preview.yml");
    Map<String, Object> on = (Map<String, Object>) workflow.get("on");
    // pull_request_target: GitHub runs the base branch's copy of this file (preview.yml explains why).
    assertEquals(Map.of("types", List.of("opened", "reopened", "synchronize", "closed"), "branches", List.of("main")),
        on.get("pull_request_target"));
    assertEquals(Set.of("pull_request_target"), on.keySet(), "never pull_request: its token job would run the pull request's workflow");
    Map<String, Object> concurrency = (Map<String, Object>) workflow.get("concurrency");
    assertEquals("lakebase-preview-${{ github.event.pull_request.number }}", concurrency.get("group"));
    assertEquals(false, concurrency.get("cancel-in-progress"));

    Map<String, Object> build = job("preview.yml:build");
    assertEquals("github.event.pull_request.head.repo.full_name == github.repository", build.get("if"));
    assertNull(build.get("permissions"), "the build holds no token");
    assertEquals(List.of("lakeforge-preview"), artifacts(build, "upload-artifact"));
    Map<String, Object> preview = job("preview.yml:preview");
    assertEquals("build", preview.get("needs"));
    assertEquals(List.of("lakeforge-preview"), artifacts(preview, "download-artifact"));
    for (Map<String, Object> step : steps(preview)) {
      if (String.valueOf(step.get("uses")).startsWith("actions/checkout@")) {
        assertEquals(DEFAULT_TIP, ((Map<String, Object>) step.get("with")).get("ref"),
            "the token job runs only the default branch's code: " + step);
      }
    }
    // The build checks out the default branch's tip first and builds from it; the pull request's head comes after
    // the build, into its own folder, and only its SQL migrations are taken.
    List<Map<String, Object>> buildSteps = steps(build);
    assertEquals(DEFAULT_TIP, ((Map<String, Object>) buildSteps.get(0).get("with")).get("ref"));
    int built = -1;
    int head = -1;
    for (int i = 0; i < buildSteps.size(); i++) {
      Object run = buildSteps.get(i).get("run");
      Map<String, Object> with = (Map<String, Object>) buildSteps.get(i).getOrDefault("with", Map.of());
      if (run != null && run.toString().contains("./mvnw")) {
        built = i;
      }
      if ("${{ github.event.pull_request.head.sha }}".equals(with.get("ref"))) {
        head = i;
        assertEquals("pr-head", with.get("path"));
      }
    }
    assertTrue(built > 0 && head > built, "build before the head checkout");
    assertTrue(runs(build).contains("scripts/preview-migrations.sh pr-head"));
  }

  @Test
  void thePullRequestPlanNeverRunsForForksOrFailedVerifyRuns() throws IOException {
    Map<String, Object> check = job("plan-pr.yml:check");
    assertEquals("github.event.workflow_run.conclusion == 'success' && "
        + "github.event.workflow_run.event == 'pull_request' && "
        + "github.event.workflow_run.head_repository.full_name == github.repository", check.get("if"));
    // The plan job needs the check job, so it is skipped whenever the check job is.
    assertEquals("check", job("plan-pr.yml:plan").get("needs"));
    for (String step : List.of("Stage the bundle for the plan", "Hand the pull request's number to the plan")) {
      Map<String, Object> found = steps(job("verify.yml:verify")).stream()
          .filter(s -> step.equals(s.get("name"))).findFirst().orElseThrow();
      assertEquals("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
          found.get("if"), step);
    }
  }

  @Test
  void allowDeletesAndAdoptReachThePlanAndTheApply() throws IOException {
    for (String input : List.of("allow_deletes", "adopt")) {
      assertEquals("", ((Map<String, Object>) inputs("deploy.yml").get(input)).get("default"), input);
    }
    for (String spec : List.of("deploy.yml:plan", "deploy.yml:apply")) {
      assertEquals("${{ inputs.allow_deletes }}", env(job(spec)).get("ALLOW_DELETES"), spec);
      assertEquals("${{ inputs.adopt }}", env(job(spec)).get("ADOPT"), spec);
    }
  }

  @Test
  void aQueuedDestroyIsNeverReplacedAndDeploysQueuePerProject() throws IOException {
    Map<String, Object> deploy = (Map<String, Object>) load("deploy.yml").get("concurrency");
    assertEquals("lakebase-${{ inputs.project_name }}", deploy.get("group"));
    assertEquals(false, deploy.get("cancel-in-progress"));
    Map<String, Object> destroy = (Map<String, Object>) load("destroy.yml").get("concurrency");
    assertTrue(destroy.get("group").toString().contains("${{ github.run_id }}"), "one group per destroy run");
    assertEquals(false, destroy.get("cancel-in-progress"));
  }

  @Test
  void destroyNeedsATypedConfirmationInBothJobs() throws IOException {
    assertEquals(true, ((Map<String, Object>) inputs("destroy.yml").get("confirm")).get("required"));
    for (String spec : List.of("destroy.yml:plan", "destroy.yml:destroy")) {
      Map<String, Object> env = env(job(spec));
      assertEquals("${{ inputs.confirm }}", env.get("CONFIRM_PROJECT_NAME"), spec);
      assertEquals("destroy", env.get("LAKEFORGE_ACTION"), spec);
    }
  }

  @Test
  void theCliIsPinnedTo1121WithAChecksumPerPlatformInTheScript() throws IOException {
    String script = Files.readString(ROOT.resolve("scripts/install-databricks-cli.sh"));
    assertTrue(script.contains("\nVERSION=\"1.12.1\"\n"), "VERSION is pinned");
    Set<String> digests = new TreeSet<>();
    for (String platform : List.of("linux_amd64", "linux_arm64")) {
      Matcher m = Pattern.compile("\\[" + platform + "]=\"([0-9a-f]{64})\"").matcher(script);
      assertTrue(m.find(), platform + " has a recorded SHA-256 in the table");
      digests.add(m.group(1));
    }
    assertEquals(2, digests.size(), "one digest per archive");
    assertFalse(script.contains("SHA256SUMS"), "a checksum file from the same release proves nothing");
    assertTrue(script.contains("sha256sum --check"), "the download is verified");
  }

  @Test
  void theBundleUsesTheDirectEngineUploadsNoFilesAndKeepsStateWithTheDeployer() throws IOException {
    Map<String, Object> bundle = load(ROOT.resolve("databricks.yml"));
    assertEquals("direct", ((Map<String, Object>) bundle.get("bundle")).get("engine"));
    assertEquals(Map.of("paths", List.of()), bundle.get("sync"));
    assertEquals("/Workspace/Users/${var.deploy_principal}/.bundle/${bundle.name}/${var.project_name}",
        ((Map<String, Object>) bundle.get("workspace")).get("root_path"));
  }

  @Test
  void dependabotWatchesActionsMavenAndTheLinter() throws IOException {
    Map<String, Object> config = load(ROOT.resolve(".github/dependabot.yml"));
    Set<String> ecosystems = new TreeSet<>();
    for (Map<String, Object> update : (List<Map<String, Object>>) config.get("updates")) {
      ecosystems.add(update.get("package-ecosystem").toString());
    }
    assertEquals(Set.of("github-actions", "maven", "npm"), ecosystems);
  }
}
