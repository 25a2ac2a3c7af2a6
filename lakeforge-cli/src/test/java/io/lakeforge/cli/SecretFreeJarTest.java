package io.lakeforge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.LocalLakebase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command-line jar as GitHub Actions runs it (github-oidc from real environment
 * variables, the shaded jar's own logging, System.exit): no secret and no server message in its
 * output, and no stack trace.
 */
class SecretFreeJarTest {

  private static LocalLakebase lakebase;
  private static DatabricksEmulator emulator;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    // A service principal's PostgreSQL role is its application id (the OAuth client id).
    lakebase = LocalLakebase.start("lakeforge-test-sp", "databricks_postgres", true, 100);
    emulator = lakebase.emulator();
    emulator.existingBranch("shop", "staging", true);
  }

  @AfterAll
  static void stop() throws Exception {
    lakebase.close();
  }

  private record Run(int code, String output) {}

  private static Run jar(Map<String, String> extra, String... args) throws Exception {
    Path jar = Path.of("target/lakeforge-cli.jar").toAbsolutePath();
    String[] command = new String[args.length + 3];
    command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    command[1] = "-jar";
    command[2] = jar.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("DATABRICKS_") || k.startsWith("ACTIONS_")
        || k.startsWith("PG") || k.startsWith("LAKEBASE_"));
    env.put("DATABRICKS_AUTH_TYPE", "github-oidc");
    env.put("DATABRICKS_HOST", emulator.url());
    env.put("DATABRICKS_CLIENT_ID", emulator.clientId());
    env.put("ACTIONS_ID_TOKEN_REQUEST_URL", emulator.githubIdTokenUrl() + "?api-version=2.0");
    env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", emulator.githubRequestToken());
    env.put("PGPORT", Integer.toString(lakebase.port()));
    env.put("PGSSLMODE", "disable");
    env.put("CUSTOM_BRANCHES", "staging");
    env.putAll(extra);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    return new Run(p.waitFor(), output);
  }

  @Test
  void aFailedGithubOidcLoginDoesNotPrintTheRequestToken() throws Exception {
    String wrong = "ghs-WRONG-request-token-93be1f";
    for (String output : new String[] {"text", "json"}) {
      Run r = jar(Map.of("ACTIONS_ID_TOKEN_REQUEST_TOKEN", wrong), "branch", "list", "--project",
          "shop", "--output", output);
      assertEquals(1, r.code(), r.output());
      assertFalse(r.output().contains(wrong), r.output());
      assertTrue(r.output().contains("github-oidc authentication failed"), r.output());
      assertEquals(1, r.output().lines().count(), r.output());
    }
  }

  @Test
  void aFailedMigrationPrintsNeitherTheServersMessageNorItsNotices() throws Exception {
    Path m = Files.createDirectories(dir.resolve("migrations"));
    Files.writeString(m.resolve("V1__customers.sql"), "create table customers (email text);\n"
        + "insert into customers values ('carol@ROW-SECRET.example');\n"
        + "do $$ begin raise notice 'NOTICE-MARKER-e41 %', (select email from customers); end $$;\n"
        + "do $$ begin raise warning 'WARNING-MARKER-e41'; end $$;\n");
    Files.writeString(m.resolve("V2__index_check.sql"), "do $$ begin raise exception"
        + " 'index check: %', (select string_agg(email, ', ') from customers); end $$;\n");
    assertEquals(0, jar(Map.of(), "branch", "create", "--project", "shop", "--branch", "pr-31",
        "--from", "staging").code());
    for (String output : new String[] {"text", "json"}) {
      Run r = jar(Map.of(), "branch", "migrate", "--project", "shop", "--branch", "pr-31",
          "--migrations", m.toString(), "--output", output);
      assertEquals(1, r.code(), r.output());
      for (String hidden : new String[] {"ROW-SECRET", "NOTICE-MARKER", "WARNING-MARKER",
          emulator.githubRequestToken()}) {
        assertFalse(r.output().contains(hidden), hidden + " in: " + r.output());
      }
      assertTrue(r.output().contains("P0001"), r.output());
      assertTrue(r.output().contains("V2__index_check.sql"), r.output());
    }
  }

  @Test
  void badJdbcPropertiesEndInOneLineNotAStackTrace() throws Exception {
    Path m = Files.createDirectories(dir.resolve("none"));
    assertEquals(0, jar(Map.of(), "branch", "create", "--project", "shop", "--branch", "pr-32",
        "--from", "staging").code());
    Run r = jar(Map.of("LAKEBASE_JDBC_PROPERTIES", "{password=SUPERSECRET-pw}"), "branch",
        "migrate", "--project", "shop", "--branch", "pr-32", "--migrations", m.toString());
    assertEquals(1, r.code(), r.output());
    assertFalse(r.output().contains("SUPERSECRET"), r.output());
    assertFalse(r.output().contains("Exception"), r.output());
    assertTrue(r.output().startsWith("error: lakeforge branch migrate: LAKEBASE_JDBC_PROPERTIES"),
        r.output());
    assertEquals(1, r.output().lines().count(), r.output());
  }
}
