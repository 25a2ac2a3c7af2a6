package io.lakeforge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.JavaProcess;
import io.lakeforge.testing.TestLakebase;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo app in its own JVM, configured only by its environment, against the emulator. */
class DemoAppTest {

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  private Map<String, String> environment() {
    Map<String, String> e = new HashMap<>();
    e.put("DATABRICKS_HOST", emulator.url());
    e.put("DATABRICKS_CLIENT_ID", emulator.clientId());
    e.put("DATABRICKS_CLIENT_SECRET", emulator.clientSecret());
    e.put("LAKEBASE_ENDPOINT", TestLakebase.ENDPOINT);
    e.put("PGPORT", Integer.toString(env.port()));
    e.put("PGDATABASE", TestLakebase.DATABASE);
    e.put("PGUSER", TestLakebase.ROLE);
    e.put("PGSSLMODE", "disable");
    return e;
  }

  @Test
  void printsCurrentUserThreeWays() throws Exception {
    emulator.reset();
    JavaProcess.Result result = JavaProcess.run(DemoApp.class, environment());
    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    assertEquals("sync pool: current_user = " + TestLakebase.ROLE + "\n"
        + "async pool: current_user = " + TestLakebase.ROLE + "\n"
        + "Branches.DEV (read-write): current_user = " + TestLakebase.ROLE + "\n", result.stdout());
    assertEquals(1, emulator.credentialCalls(), "the three share one credential");
    for (String secret : emulator.secrets()) {
      assertTrue(!result.stdout().contains(secret) && !result.stderr().contains(secret),
          "no secret in the demo's output");
    }
  }

  /**
   * The no-secret path of the workflows: exactly the env deploy.yml sets (auth type, host,
   * client id) plus GitHub's ID-token request variables. The real SDK fetches a GitHub ID token,
   * exchanges it for a Databricks token, and LakeForge mints Lakebase credentials with it.
   */
  @Test
  void githubOidcNeedsNoStoredSecret() throws Exception {
    emulator.reset();
    Map<String, String> e = environment();
    e.remove("DATABRICKS_CLIENT_SECRET");
    e.put("DATABRICKS_AUTH_TYPE", "github-oidc");
    e.put("ACTIONS_ID_TOKEN_REQUEST_URL", emulator.githubIdTokenUrl() + "?api-version=2.0");
    e.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", emulator.githubRequestToken());
    for (String name : e.keySet()) {
      assertTrue(!name.contains("SECRET") && !name.equals("DATABRICKS_TOKEN"), name);
    }

    JavaProcess.Result result = JavaProcess.run(DemoApp.class, e);

    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    assertTrue(emulator.idTokenCalls() >= 1, "the SDK fetched a GitHub ID token");
    assertTrue(emulator.oauthTokenCalls() >= 1, "and exchanged it for a Databricks token");
    assertTrue(emulator.credentialCalls() >= 1, "which minted Lakebase credentials");
    assertTrue(result.stdout().contains("Branches.DEV (read-write): current_user = " + TestLakebase.ROLE),
        result.stdout());
  }

  @Test
  void missingConfigurationExitsNonZeroNamingTheVariable() throws Exception {
    Map<String, String> e = environment();
    e.remove("LAKEBASE_ENDPOINT");
    JavaProcess.Result result = JavaProcess.run(DemoApp.class, e);
    assertEquals(1, result.exitCode());
    assertTrue(result.stdout().contains("sync pool: FAILED: LAKEBASE_ENDPOINT is not set"),
        result.stdout());
    assertTrue(result.stdout().contains("Branches.DEV (read-write): current_user = "
        + TestLakebase.ROLE), "the typed context needs no LAKEBASE_ENDPOINT: " + result.stdout());
  }

  @Test
  void withoutAWorkspaceTheMessageNamesDatabricksHost() throws Exception {
    Map<String, String> e = environment();
    e.remove("DATABRICKS_HOST");
    JavaProcess.Result result = JavaProcess.run(DemoApp.class, e);
    assertEquals(1, result.exitCode());
    assertTrue(result.stdout().contains("Branches.DEV (read-write): FAILED: DATABRICKS_HOST is not set."),
        result.stdout());
  }

  @Test
  void aFailureShowsLakeForgesReasonNotJooqsWrapper() throws Exception {
    Map<String, String> e = environment();
    e.put("PGSSLMODE", "require"); // the test server has no TLS
    JavaProcess.Result result = JavaProcess.run(DemoApp.class, e);
    assertEquals(1, result.exitCode());
    assertTrue(result.stdout().contains("Branches.DEV (read-write): FAILED: lakebase[")
        && result.stdout().contains("does not accept TLS connections"), result.stdout());
    assertTrue(!result.stdout().contains("Error getting connection from data source"),
        result.stdout());
  }
}
