package io.lakeforge.bench;

import io.lakeforge.runtime.CredentialMode;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Benchmark 4: physical connections opened and closed back to back while the credential API
 * takes 50 ms a call; cached against fresh-per-connection, with a static-password baseline.
 */
final class Churn {

  static final int CONNECTIONS = Integer.getInteger("bench.churn", 1000);
  static final Duration LIFETIME = Duration.ofSeconds(Integer.getInteger("bench.churnLifetime", 10));

  private Churn() {}

  static String run() throws Exception {
    DatabricksEmulator emulator = TestLakebase.get().emulator();
    double baseline = baseline();
    StringBuilder out = new StringBuilder();
    out.append("### Churn: ").append(CONNECTIONS).append(" physical connections opened and closed,"
        + " credential API at 50 ms a call, credential lifetime ").append(LIFETIME.toSeconds())
        .append(" s\n\n");
    out.append(BenchMain.row(List.of("mode", "connections/s", "**vs static password**",
        "API calls", "API calls per 1,000 connections", "elapsed")));
    out.append(BenchMain.row(List.of("---", "---", "---", "---", "---", "---")));
    out.append(BenchMain.row(List.of("static password (baseline)", String.format("%.0f", baseline),
        "1.000", "0", "0", "")));
    for (CredentialMode mode : CredentialMode.values()) {
      emulator.reset();
      emulator.tokenLifetime(LIFETIME);
      emulator.latency(Duration.ofMillis(50));
      try (LakebaseDataSource source = LakebaseDataSource.create(
          BenchEnv.config().credentialMode(mode).build(), BenchEnv.client())) {
        long start = System.nanoTime();
        for (int i = 0; i < CONNECTIONS; i++) {
          try (Connection c = source.getConnection()) {
            c.isValid(1);
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int calls = emulator.credentialCalls();
        double rate = CONNECTIONS / seconds;
        out.append(BenchMain.row(List.of(mode.name(), String.format("%.0f", rate),
            String.format("**%.3f**", rate / baseline), Integer.toString(calls),
            String.format("%.1f", calls * 1000.0 / CONNECTIONS), String.format("%.1f s", seconds))));
      }
    }
    emulator.reset();
    return out.append('\n').toString();
  }

  private static double baseline() throws Exception {
    Properties p = new Properties();
    p.setProperty("user", BenchEnv.STATIC_ROLE);
    p.setProperty("password", System.getProperty("bench.staticPassword"));
    p.setProperty("sslmode", "disable");
    String url = "jdbc:postgresql://127.0.0.1:" + BenchEnv.port() + "/" + TestLakebase.DATABASE;
    int n = Math.min(CONNECTIONS, 500);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      try (Connection c = DriverManager.getConnection(url, p)) {
        c.isValid(1);
      }
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }
}
