package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real Lakebase ids, connection settings built from properties, one credential per endpoint. */
class CorrectnessTest {

  /** An endpoint as the Databricks UI creates it: generated ids, not LakeForge's create rule. */
  private static final String GENERATED = "projects/5f0c3b1e-8a2d-4c6e-9f3a-1b2c3d4e5f60"
      + "/branches/br-snowy-sun-a1b2c3d4/endpoints/ep-misty-moon-e5f6a7b8";

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  private Map<String, String> environment() {
    Map<String, String> e = new HashMap<>();
    e.put("PGHOST", "127.0.0.1");
    e.put("PGPORT", Integer.toString(env.port()));
    e.put("PGUSER", TestLakebase.ROLE);
    e.put("PGDATABASE", TestLakebase.DATABASE);
    e.put("PGSSLMODE", "disable");
    e.put("LAKEBASE_ENDPOINT", TestLakebase.ENDPOINT);
    return e;
  }

  private static String value(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void generatedUuidBranchAndEndpointIdsAreAccepted() throws SQLException {
    Map<String, String> e = environment();
    e.put("LAKEBASE_ENDPOINT", GENERATED);
    e.put("LAKEBASE_PROJECT", "5f0c3b1e-8a2d-4c6e-9f3a-1b2c3d4e5f60");
    LakebaseConfig config = LakebaseConfig.fromEnvironment(e);
    try (LakebasePool pool = LakebasePool.create(config, env.client());
        Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, value(c, "select current_user"));
    }
    BranchRef generated = new BranchRef("some-project", "br-snowy-sun-a1b2c3d4",
        "ep-misty-moon-e5f6a7b8", "ep-quiet-lake-c9d0e1f2");
    try (Lakebase lakebase = Lakebase.create(config.toBuilder().host(null).endpoint(null).build(),
        env.client())) {
      assertEquals(1, lakebase.readWrite(generated).fetchValue(DSL.inline(1)));
      assertTrue(lakebase.stats().containsKey(
          GENERATED + "?database=" + TestLakebase.DATABASE), lakebase.stats().keySet().toString());
    }
  }

  @Test
  void anEndpointTheApiDoesNotKnowFailsWithoutRetries() {
    emulator.missingEndpoint(TestLakebase.ENDPOINT);
    LakebaseException e = assertThrows(LakebaseException.class, () -> LakebasePool.create(
        env.config().host(null).build(), env.client()));
    assertTrue(e.getMessage().contains("HTTP 404 NOT_FOUND"), e.getMessage());
    assertEquals(1, emulator.endpointCalls(), "a 404 is not retried");
  }

  @Test
  void aDatabaseNameWithAQuestionMarkIsANameNotUrlParameters() throws SQLException {
    String odd = "odd?sslmode=disable&user=postgres";
    try (Connection c = env.superuser().getConnection(); Statement s = c.createStatement()) {
      s.execute("drop database if exists \"" + odd + "\"");
      s.execute("create database \"" + odd + "\"");
    }
    Map<String, String> e = environment();
    e.put("PGDATABASE", odd);
    try (LakebasePool pool = LakebasePool.create(LakebaseConfig.fromEnvironment(e), env.client());
        Connection c = pool.getConnection()) {
      assertEquals(odd, value(c, "select current_database()"));
      assertEquals(TestLakebase.ROLE, value(c, "select current_user"), "not the user from the 'URL'");
    }
  }

  @Test
  void aHostWithAPortIsSplitNotBracketed() throws SQLException {
    Map<String, String> e = environment();
    e.put("PGHOST", "127.0.0.1:" + env.port());
    e.put("PGPORT", "1");
    try (LakebasePool pool = LakebasePool.create(LakebaseConfig.fromEnvironment(e), env.client());
        Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, value(c, "select current_user"));
    }
  }

  @Test
  void everyLakeForgeTypeOnOneEndpointSharesOneCredential() throws Exception {
    BranchRef dev = new BranchRef("lakeforge-main", "dev", "primary", "readonly");
    assertEquals(TestLakebase.ENDPOINT, dev.readWriteEndpointPath());
    LakebaseConfig config = env.config().build();
    try (LakebasePool pool = LakebasePool.create(config, env.client());
        LakebaseAsyncPool async = LakebaseAsyncPool.create(config, env.client());
        LakebaseDataSource source = LakebaseDataSource.create(config, env.client());
        Lakebase lakebase = Lakebase.create(config.toBuilder().host(null).endpoint(null).build(),
            env.client())) {
      pool.dsl().fetchValue(DSL.currentUser());
      async.withDsl(d -> d.fetchValue(DSL.currentUser())).toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (Connection c = source.getConnection()) {
        value(c, "select 1");
      }
      lakebase.readWrite(dev).fetchValue(DSL.currentUser());
      assertEquals(1, emulator.credentialCalls(), "one credential for the whole process");
    }
  }

  @Test
  void sessionSettingsReachTheServer() throws SQLException {
    LakebaseConfig config = env.config()
        .set(LakebaseSettings.APPLICATION_NAME, "orders-service")
        .set(LakebaseSettings.STATEMENT_TIMEOUT, Duration.ofSeconds(7))
        .set(LakebaseSettings.IDLE_IN_TRANSACTION_TIMEOUT, Duration.ofSeconds(20))
        .build();
    assertEquals("jdbcProperties", assertThrows(LakebaseConfigException.class, () -> env.config()
        .set(LakebaseSettings.JDBC_PROPERTIES, Map.of("sslmode", "disable")).build()).variable(),
        "a property that would bypass LakeForge's TLS rules is refused");
    LakebaseConfig ok = config.toBuilder()
        .set(LakebaseSettings.JDBC_PROPERTIES, Map.of("prepareThreshold", "0")).build();
    try (LakebasePool pool = LakebasePool.create(ok, env.client());
        Connection c = pool.getConnection()) {
      assertEquals("orders-service", value(c, "show application_name"));
      assertEquals("7s", value(c, "show statement_timeout"));
      assertEquals("20s", value(c, "show idle_in_transaction_session_timeout"));
      assertEquals(0, c.unwrap(org.postgresql.PGConnection.class).getPrepareThreshold());
    }
  }

  @Test
  void readOnlyEndpointsHandOutReadOnlyConnections() throws SQLException {
    BranchRef dev = new BranchRef("lakeforge-main", "dev", "primary", "readonly");
    try (Lakebase lakebase = Lakebase.create(env.config().host(null).endpoint(null).build(),
        env.client())) {
      LakebasePool readOnly = lakebase.pool(dev, EndpointKind.READ_ONLY);
      try (Connection c = readOnly.getConnection()) {
        assertTrue(c.isReadOnly());
        assertEquals("on", value(c, "show transaction_read_only"));
      }
      try (Connection c = lakebase.pool(dev, EndpointKind.READ_WRITE).getConnection()) {
        assertFalse(c.isReadOnly());
      }
      assertTrue(readOnly.isHealthy(false), "Agroal's health check is reachable");
    }
  }
}
