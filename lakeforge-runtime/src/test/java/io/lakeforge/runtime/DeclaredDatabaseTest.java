package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.annotations.DatabaseRef;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The path from a declared {@code @Role} and {@code @Database} to {@code select current_user}:
 * the role and database exist as the bundle creates them, the runtime authenticates as the
 * service principal, and a context from the typed handle lands in the declared database.
 */
class DeclaredDatabaseTest {

  /** A service principal's application id: its Postgres role name. */
  private static final String APP_ID = "7d3e9a52-4c1b-4f8e-9a6d-2b5c8e1f0a34";
  private static final BranchRef DEV =
      new BranchRef("lakeforge-main", "dev", "primary", "readonly", "orders");
  private static final DatabaseRef ORDERS =
      new DatabaseRef("orders", "orders", "lakeforge-app", Set.of("dev"));

  private static final TestLakebase env = TestLakebase.get();
  /** Its own emulator: SCIM Me answers with the service principal, whose password it mints. */
  private static DatabricksEmulator principal;

  @BeforeAll
  static void createRoleAndDatabaseAsTheBundleDoes() throws Exception {
    try (Connection c = env.superuser().getConnection(); Statement s = c.createStatement()) {
      if (!exists(s, "select 1 from pg_roles where rolname = '" + APP_ID + "'")) {
        s.execute("create role \"" + APP_ID + "\" login");
      }
      if (!exists(s, "select 1 from pg_database where datname = 'orders'")) {
        s.execute("create database orders owner \"" + APP_ID + "\"");
      }
    }
    principal = DatabricksEmulator.start(env.superuser(), APP_ID);
  }

  @AfterAll
  static void stopEmulator() {
    principal.close();
  }

  @BeforeEach
  void reset() {
    principal.reset();
  }

  private static boolean exists(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      return r.next();
    }
  }

  private static WorkspaceClient client() {
    return new WorkspaceClient(new DatabricksConfig()
        .setHost(principal.url())
        .setClientId(principal.clientId())
        .setClientSecret(principal.clientSecret())
        .setAuthType("oauth-m2m")
        .setHttpTimeoutSeconds(10));
  }

  /** Port and TLS only: no host, endpoint, user or database, so each comes from its default. */
  private static LakebaseConfig.Builder config() {
    return env.config().host(null).endpoint(null).user(null)
        .set(LakebaseSettings.DATABASE, null);
  }

  private static List<String> whoAndWhere(DSLContext dsl) {
    Record2<String, String> r = dsl.select(DSL.currentUser(),
        DSL.field("current_database()", String.class)).fetchOne();
    return List.of(r.value1(), r.value2());
  }

  private static int databricksCalls() {
    return principal.credentialCalls() + principal.endpointCalls() + principal.oauthTokenCalls()
        + principal.meCalls() + principal.unknownRequests().size();
  }

  @Test
  void aHandleWithADeclaredDatabaseConnectsToItAsTheDeclaredIdentity() {
    try (Lakebase lakebase = Lakebase.create(config().build(), client())) {
      assertEquals(List.of(APP_ID, "orders"), whoAndWhere(lakebase.readWrite(DEV)));
      assertEquals(1, principal.meCalls(), "the user is the identity SCIM Me reports");
    }
  }

  @Test
  void aDatabaseRefSelectsTheDatabase() {
    BranchRef noDefault = new BranchRef("lakeforge-main", "dev", "primary", "readonly");
    try (Lakebase lakebase = Lakebase.create(config().build(), client())) {
      assertEquals(List.of(APP_ID, "orders"), whoAndWhere(lakebase.readWrite(noDefault, ORDERS)));
      assertEquals(List.of(APP_ID, "orders"), whoAndWhere(lakebase.readOnly(noDefault, ORDERS)));
      assertEquals("orders", lakebase.pool(noDefault, EndpointKind.READ_WRITE, ORDERS)
          .dsl().fetchValue("select current_database()", String.class));
    }
  }

  @Test
  void aDatabaseRefWinsOverPgdatabase() {
    LakebaseConfig config = config().database(TestLakebase.DATABASE).build();
    try (Lakebase lakebase = Lakebase.create(config, client())) {
      assertEquals(List.of(APP_ID, "orders"), whoAndWhere(lakebase.readWrite(DEV, ORDERS)));
    }
  }

  @Test
  void anExplicitPgdatabaseWinsOverTheHandle() {
    LakebaseConfig inCode = config().database(TestLakebase.DATABASE).build();
    LakebaseConfig fromEnvironment = LakebaseConfig.fromEnvironment(Map.of(
        "PGDATABASE", TestLakebase.DATABASE,
        "PGPORT", Integer.toString(env.port()),
        "PGSSLMODE", "disable"));
    for (LakebaseConfig config : List.of(inCode, fromEnvironment)) {
      assertTrue(config.isSet(LakebaseSettings.DATABASE), config.toString());
      try (Lakebase lakebase = Lakebase.create(config, client())) {
        assertEquals(List.of(APP_ID, TestLakebase.DATABASE), whoAndWhere(lakebase.readWrite(DEV)));
      }
    }
  }

  @Test
  void theDefaultDatabaseIsNotAnExplicitOne() {
    assertFalse(config().build().isSet(LakebaseSettings.DATABASE));
    assertFalse(LakebaseConfig.fromEnvironment(Map.of("PGDATABASE", " "))
        .isSet(LakebaseSettings.DATABASE));
    assertEquals("databricks_postgres", config().build().database());
  }

  @Test
  void withoutADeclaredDatabaseTheDefaultIsDatabricksPostgres() {
    BranchRef noDefault = new BranchRef("lakeforge-main", "dev", "primary", "readonly");
    try (Lakebase lakebase = Lakebase.create(config().build(), client())) {
      assertEquals(List.of(APP_ID, "databricks_postgres"),
          whoAndWhere(lakebase.readWrite(noDefault)));
    }
  }

  @Test
  void oneEndpointServesTwoDatabasesWithOneCredential() {
    try (Lakebase lakebase = Lakebase.create(config().build(), client())) {
      BranchRef noDefault = new BranchRef("lakeforge-main", "dev", "primary", "readonly");
      assertEquals("databricks_postgres", whoAndWhere(lakebase.readWrite(noDefault)).get(1));
      assertEquals("orders", whoAndWhere(lakebase.readWrite(DEV)).get(1));
      assertEquals(Set.of(DEV.readWriteEndpointPath() + "?database=databricks_postgres",
          DEV.readWriteEndpointPath() + "?database=orders"), lakebase.stats().keySet());
      assertEquals(1, principal.credentialCalls(), "one credential cache per endpoint");
    }
  }

  @Test
  void aDatabaseRefNotOnTheBranchFailsBeforeAnyDatabricksCall() {
    BranchRef staging = new BranchRef("lakeforge-main", "staging", "primary", "readonly");
    try (Lakebase lakebase = Lakebase.create(config().build(), client())) {
      int before = databricksCalls();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> lakebase.readWrite(staging, ORDERS));
      assertTrue(e.getMessage().contains("not declared on branch staging"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> lakebase.readOnly(staging, ORDERS));
      assertThrows(IllegalArgumentException.class,
          () -> lakebase.pool(staging, EndpointKind.READ_WRITE, ORDERS));
      assertEquals(before, databricksCalls(), "no Databricks call");
      assertTrue(lakebase.stats().isEmpty());
    }
  }
}
