package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20: the emulator as a user starts it, in a child JVM: the printed environment logs in
 * with the real SDK (OAuth M2M and github-oidc), PostgreSQL accepts a minted credential, faults
 * set at run time take effect, and SIGTERM leaves no PostgreSQL server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class EmulatorProcessTest {

  private Process child;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Path data;
  private long postmaster;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    Path err = Files.createTempFile("emulator-main", ".err");
    child = JavaProcess.start(EmulatorMain.class, Map.of(), err, "--branch", "main:protected",
        "--branch", "dev", "--project", "shop", "--latency", "0s");
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8));
    while (!env.containsKey("DATABRICKS_TOKEN_AUDIENCE")) {
      String line = out.readLine();
      if (line == null) {
        child.waitFor(10, TimeUnit.SECONDS);
        fail("the emulator ended before printing its environment: " + Files.readString(err));
      }
      if (line.startsWith("export ")) {
        String[] kv = line.substring(7).split("=", 2);
        env.put(kv[0], kv[1].replaceAll("^'|'$", ""));
      } else if (line.startsWith("# data (deleted at the stop): ")) {
        data = Path.of(line.substring(line.indexOf(": ") + 2));
      }
    }
    postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
  }

  /** Only if the SIGTERM check could not stop it: this test's own child. */
  private void forceStop() {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
  }

  private WorkspaceClient m2m() {
    return new WorkspaceClient(new DatabricksConfig().setHost(env.get("DATABRICKS_HOST"))
        .setClientId(env.get("DATABRICKS_CLIENT_ID"))
        .setClientSecret(env.get("DATABRICKS_CLIENT_SECRET")).setAuthType("oauth-m2m"));
  }

  private String mint(WorkspaceClient w) {
    return w.postgres().generateDatabaseCredential(new GenerateDatabaseCredentialRequest()
        .setEndpoint(env.get("LAKEBASE_ENDPOINT"))).getToken();
  }

  private String currentUser(String database, String password) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
        + env.get("PGPORT") + "/" + database + "?sslmode=" + env.get("PGSSLMODE"),
        env.get("DATABRICKS_CLIENT_ID"), password);
        Statement s = c.createStatement(); ResultSet r = s.executeQuery("select current_user")) {
      r.next();
      return r.getString(1);
    }
  }

  private HttpResponse<String> control(String method, String call) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(env.get("DATABRICKS_HOST")
        + "/emulator/" + call)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePrintedEnvironmentLogsInAndItsCredentialOpensPostgres() throws Exception {
    assertEquals("projects/shop/branches/dev/endpoints/primary", env.get("LAKEBASE_ENDPOINT"));
    assertEquals("disable", env.get("PGSSLMODE"));
    WorkspaceClient w = m2m();
    assertEquals("lakeforge-test-sp", w.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName());
    WorkspaceClient oidc = new WorkspaceClient(new DatabricksConfig()
        .setHost(env.get("DATABRICKS_HOST")).setClientId(env.get("DATABRICKS_CLIENT_ID"))
        .setAuthType(env.get("DATABRICKS_AUTH_TYPE"))
        .setActionsIdTokenRequestUrl(env.get("ACTIONS_ID_TOKEN_REQUEST_URL"))
        .setActionsIdTokenRequestToken(env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
        .setTokenAudience(env.get("DATABRICKS_TOKEN_AUDIENCE")));
    assertEquals("lakeforge-test-sp", oidc.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName());
    String token = mint(w);
    assertEquals("lakeforge-test-sp", currentUser("databricks_postgres", token));
    assertEquals("lakeforge-test-sp", currentUser("orders", token));
    SQLException wrong = assertThrows(SQLException.class,
        () -> currentUser("databricks_postgres", "not-" + token));
    assertEquals("28P01", wrong.getSQLState());
    SQLException superuser = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + env.get("PGPORT") + "/postgres?sslmode=disable",
        "postgres", "guessed"));
    assertEquals("28P01", superuser.getSQLState(), "no passwordless superuser");
  }

  @Test
  void faultsSetAtRunTimeTakeEffect() throws Exception {
    WorkspaceClient w = m2m();
    String live = mint(w);
    HttpResponse<String> stop = control("POST", "faults?stop-minting=true&latency=300ms");
    assertEquals(200, stop.statusCode(), stop.body());
    assertTrue(stop.body().contains("\"stop-minting\":true"), stop.body());
    long t0 = System.nanoTime();
    Exception refused = assertThrows(Exception.class, () -> mint(w));
    assertTrue(System.nanoTime() - t0 >= 300_000_000L, "the latency applies");
    assertTrue(String.valueOf(refused.getMessage()).contains("credentials"), refused.getMessage());
    assertEquals("lakeforge-test-sp", currentUser("databricks_postgres", live),
        "the credential already issued keeps working");
    HttpResponse<String> bad = control("POST", "faults?fail-rate=2");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("fail-rate: not a number from 0 to 1"), bad.body());
    HttpResponse<String> unknown = control("POST", "faults?explode=true");
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("explode: unknown fault"), unknown.body());
    assertEquals(200, control("POST", "faults?reset=true&credential-lifetime=2s").statusCode());
    assertTrue(control("GET", "faults").body().contains("\"credential-lifetime\":\"PT2S\""));
    String shortLived = mint(w);
    assertEquals("lakeforge-test-sp", currentUser("databricks_postgres", shortLived));
    Thread.sleep(3_000);
    SQLException expired = assertThrows(SQLException.class,
        () -> currentUser("databricks_postgres", shortLived));
    assertEquals("28P01", expired.getSQLState(), "the 2 s credential expired");
    assertEquals(200, control("POST", "faults?reset=true").statusCode());
  }

  /** SIGTERM (Process.destroy) runs the shutdown hook: no PostgreSQL server, no data left. */
  @AfterAll
  void sigtermLeavesNoServer() throws Exception {
    try {
      sigterm();
    } finally {
      forceStop();
    }
  }

  private void sigterm() throws Exception {
    assertTrue(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
        "postmaster " + postmaster + " runs before the stop");
    List<ProcessHandle> before = ProcessHandle.of(postmaster).get().descendants().toList();
    child.destroy();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the emulator stopped on SIGTERM");
    assertEquals(143, child.exitValue(), "ended by SIGTERM, after its hook");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
        "postmaster " + postmaster + " still runs 30 s after SIGTERM");
    for (ProcessHandle p : before) {
      assertFalse(p.isAlive(), "postgres process " + p.pid() + " still runs");
    }
    assertFalse(Files.exists(data), data + " left after SIGTERM");
  }
}
