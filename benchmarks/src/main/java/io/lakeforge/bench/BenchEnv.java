package io.lakeforge.bench;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.agroal.api.AgroalDataSource;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.internal.AgroalPools;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The shared parts of every benchmark: one embedded PostgreSQL and one Databricks emulator on
 * 127.0.0.1 (started by the parent JVM and described to JMH forks through system properties), the
 * LakeForge configuration, and the baseline: a plain Agroal pool with a static password.
 */
final class BenchEnv {

  static final String STATIC_ROLE = "bench_static";

  private BenchEnv() {}

  /** Starts the server and emulator; returns the system properties that describe them. */
  static Map<String, String> start() throws SQLException {
    TestLakebase env = TestLakebase.get();
    String password = "static-" + UUID.randomUUID();
    try (Connection c = env.superuser().getConnection()) {
      c.createStatement().execute("drop role if exists " + STATIC_ROLE);
      c.createStatement().execute("create role " + STATIC_ROLE + " login");
      c.unwrap(PGConnection.class).alterUserPassword(STATIC_ROLE, password.toCharArray(), "scram-sha-256");
    }
    Map<String, String> props = new LinkedHashMap<>();
    props.put("bench.pgPort", Integer.toString(env.port()));
    props.put("bench.emulator", env.emulator().url());
    props.put("bench.clientId", env.emulator().clientId());
    props.put("bench.clientSecret", env.emulator().clientSecret());
    props.put("bench.staticPassword", password);
    props.forEach(System::setProperty);
    return props;
  }

  static int port() {
    return Integer.getInteger("bench.pgPort");
  }

  static WorkspaceClient client() {
    return new WorkspaceClient(new DatabricksConfig()
        .setHost(System.getProperty("bench.emulator"))
        .setClientId(System.getProperty("bench.clientId"))
        .setClientSecret(System.getProperty("bench.clientSecret"))
        .setAuthType("oauth-m2m"));
  }

  /** LakeForge settings: the defaults, with the local host, port, role and no TLS. */
  static LakebaseConfig.Builder config() {
    return LakebaseConfig.builder()
        .host("127.0.0.1")
        .port(port())
        .database(TestLakebase.DATABASE)
        .user(TestLakebase.ROLE)
        .endpoint(TestLakebase.ENDPOINT)
        .sslMode("disable");
  }

  /** The baseline: Agroal with LakebasePool's exact settings, and a static password. */
  static AgroalDataSource staticAgroal(LakebaseConfig config) throws SQLException {
    return AgroalDataSource.from(AgroalPools.staticPassword(config, "127.0.0.1", port(), STATIC_ROLE,
        System.getProperty("bench.staticPassword")));
  }

  /** The second baseline: HikariCP with the same size, timeouts and connection properties. */
  static com.zaxxer.hikari.HikariDataSource staticHikari(LakebaseConfig config) {
    com.zaxxer.hikari.HikariConfig h = new com.zaxxer.hikari.HikariConfig();
    h.setPoolName("hikari-static");
    h.setJdbcUrl(io.lakeforge.runtime.internal.ConnectionSettings.URL);
    java.util.Properties props = io.lakeforge.runtime.internal.ConnectionSettings.jdbc(
        config, "127.0.0.1", port(), STATIC_ROLE);
    props.remove("user");
    h.setDataSourceProperties(props);
    h.setUsername(STATIC_ROLE);
    h.setPassword(System.getProperty("bench.staticPassword"));
    h.setMaximumPoolSize(config.maxSize());
    h.setMinimumIdle(config.minSize());
    h.setConnectionTimeout(config.acquisitionTimeout().toMillis());
    h.setMaxLifetime(config.maxLifetime().toMillis());
    h.setIdleTimeout(config.maxIdle().toMillis());
    return new com.zaxxer.hikari.HikariDataSource(h);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
