package io.lakeforge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.LocalLakebase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the branch commands fail: one line (or one JSON object) on standard error, exit status 1,
 * no stack trace, and no secret or server-supplied text in any output. In process, with the real
 * SDK against the emulator and Flyway against embedded PostgreSQL.
 */
class BranchFailureTest {

  /** A request token GitHub never issued: the emulator's ID-token URL answers 401. */
  private static final String WRONG_REQUEST_TOKEN = "ghs-WRONG-request-token-7f3a9c";
  private static final String ROW_SECRET = "alice@ROW-SECRET.example";
  private static final String NOTICE_MARKER = "NOTICE-MARKER-51c2";

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

  private record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private static Supplier<WorkspaceClient> m2m() {
    return () -> new WorkspaceClient(new DatabricksConfig().setHost(emulator.url())
        .setClientId(emulator.clientId()).setClientSecret(emulator.clientSecret())
        .setAuthType("oauth-m2m"));
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("CUSTOM_BRANCHES", "staging",
        "PGPORT", Integer.toString(lakebase.port()), "PGSSLMODE", "disable",
        "DATABRICKS_CLIENT_SECRET", emulator.clientSecret()));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  /** Runs the command; whatever else reaches System.out or System.err is returned too. */
  private static Run run(Map<String, String> env, Supplier<WorkspaceClient> clients,
      String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream stray = new ByteArrayOutputStream();
    PrintStream systemOut = System.out;
    PrintStream systemErr = System.err;
    int code;
    try (PrintStream strays = new PrintStream(stray, true, UTF_8)) {
      System.setOut(strays);
      System.setErr(strays);
      code = Lakeforge.run(env, args, Path.of(""), new PrintStream(out, true, UTF_8),
          new PrintStream(err, true, UTF_8), clients);
    } finally {
      System.setOut(systemOut);
      System.setErr(systemErr);
    }
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8) + stray.toString(UTF_8));
  }

  private static void assertOneErrorLine(Run r) {
    assertEquals(1, r.code(), r.all());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("error: lakeforge branch "), r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void aFailedGithubOidcLoginNamesItsChecksButNotTheRequestToken() {
    Supplier<WorkspaceClient> oidc = () -> new WorkspaceClient(new DatabricksConfig()
        .setHost(emulator.url()).setClientId(emulator.clientId()).setAuthType("github-oidc")
        .setActionsIdTokenRequestUrl(emulator.githubIdTokenUrl())
        .setActionsIdTokenRequestToken(WRONG_REQUEST_TOKEN));
    Map<String, String> env = env("DATABRICKS_AUTH_TYPE", "github-oidc",
        "ACTIONS_ID_TOKEN_REQUEST_URL", emulator.githubIdTokenUrl(),
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN", WRONG_REQUEST_TOKEN);

    Run text = run(env, oidc, "branch", "list", "--project", "shop");
    assertOneErrorLine(text);
    assertFalse(text.all().contains(WRONG_REQUEST_TOKEN), text.all());
    assertTrue(text.err().contains("github-oidc authentication failed"), text.err());
    assertTrue(text.err().contains("id-token: write"), text.err());

    Run json = run(env, oidc, "branch", "create", "--project", "shop", "--branch", "pr-3",
        "--from", "staging", "--output", "json");
    assertEquals(1, json.code(), json.all());
    assertFalse(json.all().contains(WRONG_REQUEST_TOKEN), json.all());
    assertTrue(json.err().contains("\"exit_status\":1"), json.err());
    assertTrue(json.err().contains("github-oidc authentication failed"), json.err());
  }

  @Test
  void noSecretOfTheEnvironmentIsPrinted() {
    // The SDK's own dump masks the client secret; the token is known only to us.
    Run r = run(env("DATABRICKS_TOKEN", "dapi-conflicting-pat-0c1d2e"), () -> new WorkspaceClient(
        new DatabricksConfig().setHost(emulator.url()).setToken("dapi-conflicting-pat-0c1d2e")
            .setClientId(emulator.clientId()).setClientSecret(emulator.clientSecret())
            .setActionsIdTokenRequestToken(WRONG_REQUEST_TOKEN)),
        "branch", "list", "--project", "shop");
    assertEquals(1, r.code(), r.all());
    for (String secret : new String[] {"dapi-conflicting-pat-0c1d2e", emulator.clientSecret(),
        WRONG_REQUEST_TOKEN}) {
      assertFalse(r.all().contains(secret), r.all());
    }
  }

  private Path migrations() throws Exception {
    Path m = Files.createDirectories(dir.resolve("migrations"));
    Files.writeString(m.resolve("V1__customers.sql"), String.join("\n",
        "create table customers (email text);",
        "insert into customers values ('" + ROW_SECRET + "'), ('bob@ROW-SECRET.example');",
        "do $$ begin raise notice '" + NOTICE_MARKER + " %', (select count(*) from customers);"
            + " end $$;",
        "do $$ begin raise warning '" + NOTICE_MARKER + " warning'; end $$;",
        ""));
    Files.writeString(m.resolve("V2__index_check.sql"), String.join("\n",
        "select 1;",
        "do $$ begin raise exception 'index check: %', (select string_agg(email, ', ')"
            + " from customers); end $$;",
        ""));
    return m;
  }

  @Test
  void aFailedMigrationNamesItsVersionAndSqlstateButNotTheServersMessage() throws Exception {
    Path m = migrations();
    assertEquals(0, run(env(), m2m(), "branch", "create", "--project", "shop", "--branch",
        "pr-21", "--from", "staging").code());

    Run text = run(env(), m2m(), "branch", "migrate", "--project", "shop", "--branch", "pr-21",
        "--migrations", m.toString());
    assertOneErrorLine(text);
    assertFalse(text.all().contains("ROW-SECRET"), text.all());
    assertFalse(text.all().contains(NOTICE_MARKER), text.all());
    assertTrue(text.err().contains("migration V2 (V2__index_check.sql) failed at line 2 with"
        + " SQLSTATE P0001"), text.err());
    assertTrue(text.err().contains("withheld"), text.err());

    Run json = run(env(), m2m(), "branch", "migrate", "--project", "shop", "--branch", "pr-21",
        "--migrations", m.toString(), "--output", "json");
    assertEquals(1, json.code(), json.all());
    assertEquals("", json.out());
    assertFalse(json.all().contains("ROW-SECRET"), json.all());
    assertFalse(json.all().contains(NOTICE_MARKER), json.all());
    JsonNode error = new ObjectMapper().readTree(json.err());
    assertEquals("P0001", error.path("sqlstate").asText());
    assertEquals("2", error.path("migration").path("version").asText());
    assertEquals("index check", error.path("migration").path("description").asText());
    assertEquals(2, error.path("line").asInt());
    assertEquals(1, error.path("exit_status").asInt());
    assertEquals("withheld", error.path("server_message").asText());
  }

  @Test
  void serverMessagesAreShownOnlyOnRequest() throws Exception {
    Path m = migrations();
    assertEquals(0, run(env(), m2m(), "branch", "create", "--project", "shop", "--branch",
        "pr-22", "--from", "staging").code());
    Run shown = run(env(), m2m(), "branch", "migrate", "--project", "shop", "--branch", "pr-22",
        "--migrations", m.toString(), "--show-server-messages");
    assertEquals(1, shown.code(), shown.all());
    assertTrue(shown.err().contains(ROW_SECRET), shown.err());
    assertTrue(shown.err().contains(NOTICE_MARKER), shown.err());
    assertFalse(shown.all().contains(emulator.clientSecret()), shown.all());
  }

  @Test
  void badJdbcPropertiesEndInOneLineNamingTheKeyNotTheValue() throws Exception {
    Path m = Files.createDirectories(dir.resolve("empty"));
    for (String value : new String[] {"password=SUPERSECRET-pw",
        "tcpNoDelay=true,sslpassword:SUPERSECRET-pw"}) {
      Run text = run(env("LAKEBASE_JDBC_PROPERTIES", value), m2m(), "branch", "migrate",
          "--project", "shop", "--branch", "pr-23", "--migrations", m.toString());
      // pr-23 does not exist yet: that is the error, and it holds no value either.
      assertEquals(1, text.code(), text.all());
      assertFalse(text.all().contains("SUPERSECRET"), text.all());
    }
    assertEquals(0, run(env(), m2m(), "branch", "create", "--project", "shop", "--branch",
        "pr-23", "--from", "staging").code());
    Run text = run(env("LAKEBASE_JDBC_PROPERTIES", "password=SUPERSECRET-pw"), m2m(), "branch",
        "migrate", "--project", "shop", "--branch", "pr-23", "--migrations", m.toString());
    assertOneErrorLine(text);
    assertFalse(text.all().contains("SUPERSECRET"), text.all());
    assertTrue(text.err().startsWith("error: lakeforge branch migrate: LAKEBASE_JDBC_PROPERTIES"
        + " is not valid: it sets password"), text.err());

    Run json = run(env("LAKEBASE_JDBC_PROPERTIES", "sslpassword:SUPERSECRET-pw"), m2m(),
        "branch", "migrate", "--project", "shop", "--branch", "pr-23", "--migrations",
        m.toString(), "--output", "json");
    assertEquals(1, json.code(), json.all());
    assertFalse(json.all().contains("SUPERSECRET"), json.all());
    JsonNode error = new ObjectMapper().readTree(json.err());
    assertEquals("LAKEBASE_JDBC_PROPERTIES", error.path("variable").asText());
  }

  @Test
  void usageErrorsAreOneLineWithStatusTwo() {
    Run r = run(env(), m2m(), "branch", "list", "--project", "shop", "--bogus", "x");
    assertEquals(2, r.code());
    assertEquals("error: lakeforge branch list: unknown option --bogus (" + ErrorReport.HELP_HINT
        + ")\n", r.err());
    Run json = run(env(), m2m(), "branch", "list", "--project", "shop", "--output", "json",
        "--show-server-messages");
    assertEquals(2, json.code());
    assertTrue(json.err().startsWith("{\"error\":"), json.err());
  }

  @Test
  void anUnexpectedExceptionIsOneLineNotAStackTrace() {
    Run r = run(env(), () -> {
      throw new IllegalStateException("boom with token=" + emulator.clientSecret());
    }, "branch", "list", "--project", "shop");
    assertOneErrorLine(r);
    assertFalse(r.all().contains(emulator.clientSecret()), r.all());
  }
  /**
   * {@code branch pending}, the plan a reviewer approves: what migrate would apply, with
   * checksums, read-only and on a declared branch too; drift of any kind stops it.
   */
  @Test
  void pendingListsWhatMigrateWouldApplyAndDriftStopsIt() throws Exception {
    Path m = Files.createDirectories(dir.resolve("plan"));
    Files.writeString(m.resolve("V1__orders.sql"), "create table orders (id int);\n");
    Files.writeString(m.resolve("V3__note.sql"), "alter table orders add column note text;\n");
    assertEquals(0, run(env(), m2m(), "branch", "create", "--project", "shop", "--branch",
        "pr-31", "--from", "staging").code());
    assertEquals(0, run(env(), m2m(), "branch", "migrate", "--project", "shop", "--branch",
        "pr-31", "--migrations", m.toString()).code());

    Files.writeString(m.resolve("V4__paid.sql"), "alter table orders add column paid boolean;\n");
    Run plan = run(env(), m2m(), "branch", "pending", "--project", "shop", "--branch", "pr-31",
        "--migrations", m.toString(), "--output", "json");
    assertEquals(0, plan.code(), plan.all());
    JsonNode json = new ObjectMapper().readTree(plan.out());
    assertEquals("3", json.path("schema_version").asText());
    assertEquals(1, json.path("pending").size(), plan.out());
    assertEquals("4", json.path("pending").get(0).path("version").asText());
    assertEquals("paid", json.path("pending").get(0).path("description").asText());
    assertTrue(json.path("pending").get(0).path("checksum").isInt(), plan.out());
    Run text = run(env(), m2m(), "branch", "pending", "--project", "shop", "--branch", "pr-31",
        "--migrations", m.toString());
    assertEquals(0, text.code(), text.all());
    assertTrue(text.out().contains("schema version 3, 1 pending migration(s)"), text.out());
    assertTrue(text.out().contains("V4  paid  checksum "), text.out());
    // Read-only: nothing was applied.
    assertEquals(1, new ObjectMapper().readTree(run(env(), m2m(), "branch", "pending",
        "--project", "shop", "--branch", "pr-31", "--migrations", m.toString(), "--output",
        "json").out()).path("pending").size());

    Files.writeString(m.resolve("V2__late.sql"), "select 1;\n");
    Run late = run(env(), m2m(), "branch", "pending", "--project", "shop", "--branch", "pr-31",
        "--migrations", m.toString());
    assertOneErrorLine(late);
    assertTrue(late.err().contains("V2 (V2__late.sql) older than the branch's version 3 and"
        + " never applied (out of order)"), late.err());
    Files.delete(m.resolve("V2__late.sql"));

    Files.writeString(m.resolve("V1__orders.sql"), "create table orders (id bigint);\n");
    Run changed = run(env(), m2m(), "branch", "pending", "--project", "shop", "--branch",
        "pr-31", "--migrations", m.toString());
    assertOneErrorLine(changed);
    assertTrue(changed.err().contains("drift on projects/shop/branches/pr-31"), changed.err());
    assertTrue(changed.err().contains("V1 (V1__orders.sql) changed since it was applied"),
        changed.err());

    Files.delete(m.resolve("V1__orders.sql"));
    Run missing = run(env(), m2m(), "branch", "pending", "--project", "shop", "--branch",
        "pr-31", "--migrations", m.toString(), "--output", "json");
    assertEquals(1, missing.code(), missing.all());
    JsonNode drift = new ObjectMapper().readTree(missing.err()).path("drift");
    assertEquals("1", drift.get(0).path("version").asText(), missing.err());
    assertTrue(drift.get(0).path("problem").asText().contains("no such file"), missing.err());

  }
  /** A declared branch is migrated only with its reviewed plan, and exactly that plan. */
  @Test
  void aDeclaredBranchIsMigratedOnlyWithTheReviewedPlanAndExactlyIt() throws Exception {
    Path m = Files.createDirectories(dir.resolve("reviewed"));
    Files.writeString(m.resolve("V1__invoices.sql"), "create table invoices (id int);\n");
    Files.writeString(m.resolve("V2__total.sql"), "alter table invoices add column total int;\n");
    emulator.existingBranch("shop", "dev", false);
    // A database of its own: branches the other tests create from staging copy this server.
    try (java.sql.Connection c = lakebase.superuser("postgres").getConnection();
        java.sql.Statement st = c.createStatement()) {
      st.execute("create database reviewed owner \"lakeforge-test-sp\"");
    }
    Run refused = run(env("CUSTOM_BRANCHES", "staging,dev", "PGDATABASE", "reviewed"), m2m(), "branch", "migrate",
        "--project", "shop", "--branch", "dev", "--migrations", m.toString());
    assertOneErrorLine(refused);
    assertTrue(refused.err().contains("only with the plan its reviewer approved (--plan"),
        refused.err());

    Run plan = run(env("CUSTOM_BRANCHES", "staging,dev", "PGDATABASE", "reviewed"), m2m(), "branch", "pending",
        "--project", "shop", "--branch", "dev", "--migrations", m.toString(), "--output", "json");
    assertEquals(0, plan.code(), plan.all()); // read-only, so a declared branch is planned too
    assertEquals(2, new ObjectMapper().readTree(plan.out()).path("pending").size(), plan.out());
    Path planFile = Files.writeString(dir.resolve("dev-plan.json"), plan.out());

    Files.writeString(m.resolve("V2__total.sql"), "alter table invoices add column total bigint;\n");
    Run changed = run(env("CUSTOM_BRANCHES", "staging,dev", "PGDATABASE", "reviewed"), m2m(), "branch", "migrate",
        "--project", "shop", "--branch", "dev", "--migrations", m.toString(), "--plan",
        planFile.toString());
    assertOneErrorLine(changed);
    assertTrue(changed.err().contains("changed since the plan was reviewed"), changed.err());
    assertTrue(changed.err().contains("Nothing was applied"), changed.err());

    Files.writeString(m.resolve("V2__total.sql"), "alter table invoices add column total int;\n");
    // A migration added after the review is not part of the plan: it waits for the next one.
    Files.writeString(m.resolve("V3__later.sql"), "alter table invoices add column late int;\n");
    Run applied = run(env("CUSTOM_BRANCHES", "staging,dev", "PGDATABASE", "reviewed"), m2m(), "branch", "migrate",
        "--project", "shop", "--branch", "dev", "--migrations", m.toString(), "--plan",
        planFile.toString());
    assertEquals(1, applied.code(), "V3 makes the branch's pending list differ: " + applied.all());
    Files.delete(m.resolve("V3__later.sql"));
    applied = run(env("CUSTOM_BRANCHES", "staging,dev", "PGDATABASE", "reviewed"), m2m(), "branch", "migrate",
        "--project", "shop", "--branch", "dev", "--migrations", m.toString(), "--plan",
        planFile.toString());
    assertEquals(0, applied.code(), applied.all());
    assertTrue(applied.out().contains("2 migration(s) applied, schema version 2"), applied.out());
    Run again = run(env("CUSTOM_BRANCHES", "staging,dev", "PGDATABASE", "reviewed"), m2m(), "branch", "migrate",
        "--project", "shop", "--branch", "dev", "--migrations", m.toString(), "--plan",
        planFile.toString());
    assertEquals(1, again.code(), "a plan is applied once: " + again.all());
  }
}
