package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.runtime.internal.Tls;
import io.lakeforge.testing.TestLakebase;
import io.lakeforge.testing.TlsPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS against a real PostgreSQL with {@code ssl=on} and a CA generated for the run: the default
 * verifies the certificate and the host name, PGSSLROOTCERT names the CA, and modes that do not
 * verify are refused for remote hosts unless opted into by name.
 */
class TlsTest {

  private static TlsPostgres server;
  private final TestLakebase env = TestLakebase.get();

  @BeforeAll
  static void start() throws Exception {
    server = TlsPostgres.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private Map<String, String> environment(String host) {
    Map<String, String> e = new HashMap<>();
    e.put("PGHOST", host);
    e.put("PGPORT", Integer.toString(server.port()));
    e.put("PGUSER", TestLakebase.ROLE);
    e.put("PGDATABASE", TestLakebase.DATABASE);
    e.put("LAKEBASE_ENDPOINT", TestLakebase.ENDPOINT);
    return e;
  }

  private static boolean ssl(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
      r.next();
      return r.getBoolean(1);
    }
  }

  @Test
  void theDefaultModeRefusesAnUnknownCaAndNamesPgsslrootcert() {
    LakebaseConfig config = LakebaseConfig.fromEnvironment(environment("127.0.0.1"));
    assertEquals("verify-full", config.sslMode());
    // failFast (the default): the TLS reason stops create(), not the first caller.
    LakebaseException e = assertThrows(LakebaseException.class,
        () -> LakebasePool.create(config, env.client()));
    assertTrue(e.getMessage().contains("could not be verified against the JVM trust store"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Set PGSSLROOTCERT"), e.getMessage());
    assertInstanceOf(SQLException.class, e.getCause());
  }

  @Test
  void withPgsslrootcertItConnectsOverVerifiedTls() throws SQLException {
    Map<String, String> e = environment("127.0.0.1");
    e.put("PGSSLROOTCERT", server.caFile().toString());
    try (LakebasePool pool = LakebasePool.create(LakebaseConfig.fromEnvironment(e), env.client());
        Connection c = pool.getConnection()) {
      assertTrue(ssl(c), "the session is encrypted");
    }
  }

  @Test
  void theBuilderSettingNamesTheCaToo() throws SQLException {
    LakebaseConfig config = LakebaseConfig.fromEnvironment(environment("127.0.0.1")).toBuilder()
        .sslRootCert(server.caFile()).build();
    try (LakebaseDataSource source = LakebaseDataSource.create(config, env.client());
        Connection c = source.getConnection()) {
      assertTrue(ssl(c));
    }
  }

  @Test
  void aHostNameTheCertificateDoesNotCarryIsRefused() {
    Map<String, String> e = environment("127.0.0.2");
    e.put("PGSSLROOTCERT", server.caFile().toString());
    e.put("LAKEBASE_FAIL_FAST", "false");
    try (LakebasePool pool = LakebasePool.create(LakebaseConfig.fromEnvironment(e), env.client())) {
      SQLException x = assertThrows(SQLException.class, pool::getConnection);
      assertTrue(x.getMessage().contains("certificate does not name 127.0.0.2"), x.getMessage());
    }
  }

  @Test
  void modesThatDoNotVerifyAreRefusedForRemoteHostsWithTheWayToOptIn() {
    for (String mode : new String[] {"disable", "allow", "prefer", "require"}) {
      Map<String, String> e = environment("instance-1.database.cloud.databricks.com");
      e.put("PGSSLMODE", mode);
      LakebaseConfig config = LakebaseConfig.fromEnvironment(e);
      LakebaseConfigException x = assertThrows(LakebaseConfigException.class,
          () -> LakebasePool.create(config, env.client()));
      assertEquals("PGSSLMODE", x.variable());
      assertTrue(x.getMessage().contains("does not verify the server's certificate"), x.getMessage());
      assertTrue(x.getMessage().contains("LAKEBASE_ALLOW_UNVERIFIED_TLS=true"), x.getMessage());
      assertTrue(x.getMessage().contains("allowUnverifiedTls(true)"), x.getMessage());

      e.put("LAKEBASE_ALLOW_UNVERIFIED_TLS", "true");
      LakebaseConfig optedIn = LakebaseConfig.fromEnvironment(e);
      assertDoesNotThrow(() -> Tls.check(optedIn, "instance-1.database.cloud.databricks.com"));
      LakebaseConfig viaBuilder = config.toBuilder().allowUnverifiedTls(true).build();
      assertDoesNotThrow(() -> Tls.check(viaBuilder, "instance-1.database.cloud.databricks.com"));
      assertDoesNotThrow(() -> Tls.check(config, "127.0.0.1"), "loopback needs no opt-in");
    }
  }

  @Test
  void requireStillEncryptsOnLoopback() throws SQLException {
    Map<String, String> e = environment("127.0.0.1");
    e.put("PGSSLMODE", "require");
    try (LakebasePool pool = LakebasePool.create(LakebaseConfig.fromEnvironment(e), env.client());
        Connection c = pool.getConnection()) {
      assertTrue(ssl(c));
    }
  }

  @Test
  void aServerWithoutTlsIsNamedWithTheSettingToCheck() {
    LakebaseException e = assertThrows(LakebaseException.class,
        () -> LakebasePool.create(env.config().sslMode("require").failFast(true).build(),
            env.client()));
    assertTrue(e.getMessage().contains("127.0.0.1 does not accept TLS connections (sslmode require)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("PGSSLMODE=disable (lakeforge.ssl-mode=disable)"),
        e.getMessage());
  }
}
