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
      String serverCpus = System.getProperty("bench.serverCpus");
      if (serverCpus != null) {
        pinServer(c, serverCpus);
      }
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

  /**
   * With {@code -Dbench.serverCpus=1} (and this JVM started under {@code taskset -c 0}), the
   * embedded server and every backend it forks from now on run on their own CPU: on two cores,
   * whether a pool's one backend shares the client thread's core otherwise decides a one-thread
   * block's speed by up to ±30 %, and that placement differs between the pools being compared.
   */
  private static void pinServer(Connection c, String cpus) throws SQLException {
    long postmaster;
    try (var r = c.createStatement().executeQuery("select pg_backend_pid()")) {
      r.next();
      postmaster = parent(r.getLong(1));
    }
    try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
      for (var dir : procs.toList()) {
        String name = dir.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)) {
          long pid = Long.parseLong(name);
          if (pid == postmaster || parent(pid) == postmaster) {
            int rc = new ProcessBuilder("taskset", "-p", "-c", cpus, name)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
            if (rc != 0) {
              throw new IllegalStateException("taskset -p -c " + cpus + " " + pid + " exited " + rc);
            }
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("could not pin the server to CPUs " + cpus, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pinning the server", e);
    }
    System.err.println("server (postmaster " + postmaster + " and its children) pinned to CPUs " + cpus);
  }

  /** The parent process id from /proc/PID/stat, or -1 when the process has gone. */
  private static long parent(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[1]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
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
