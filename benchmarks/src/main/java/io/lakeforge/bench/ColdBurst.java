package io.lakeforge.bench;

import com.databricks.sdk.WorkspaceClient;
import io.agroal.api.AgroalDataSource;
import io.lakeforge.runtime.CredentialMode;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * Benchmark 5: a pool at min 0 receives 10 simultaneous requests; time until all are served and
 * the API calls made, cached against fresh, beside a static-password Agroal pool.
 */
final class ColdBurst {

  static final int REQUESTS = 10;
  static final int ROUNDS = Integer.getInteger("bench.burstRounds", 15);

  private ColdBurst() {}

  static String run() throws Exception {
    DatabricksEmulator emulator = TestLakebase.get().emulator();
    ExecutorService threads = Executors.newFixedThreadPool(REQUESTS);
    // One SDK client for every round, authenticated before the first burst, as in a running app:
    // the burst measures the pool and the credential cache, not the SDK's first OAuth handshake.
    WorkspaceClient client = BenchEnv.client();
    client.config().authenticate();
    double[] baseline = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      try (AgroalDataSource pool = BenchEnv.staticAgroal(BenchEnv.config().build())) {
        baseline[r] = burst(pool, threads);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("### Cold burst: ").append(REQUESTS).append(" simultaneous requests on a pool at"
        + " min 0, credential API at 50 ms a call (median of ").append(ROUNDS).append(" rounds)\n\n");
    out.append(BenchMain.row(List.of("pool", "all served after (ms)", "**vs static password**",
        "API calls per burst")));
    out.append(BenchMain.row(List.of("---", "---", "---", "---")));
    double base = BenchEnv.median(baseline);
    out.append(BenchMain.row(List.of("Agroal, static password (baseline)",
        String.format("%.1f", base), "1.00", "0")));
    for (CredentialMode mode : CredentialMode.values()) {
      double[] times = new double[ROUNDS];
      double[] calls = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        emulator.reset();
        emulator.latency(Duration.ofMillis(50));
        try (LakebasePool pool = LakebasePool.create(
            BenchEnv.config().credentialMode(mode).build(), client)) {
          times[r] = burst(pool, threads);
          calls[r] = emulator.credentialCalls();
        }
      }
      double median = BenchEnv.median(times);
      out.append(BenchMain.row(List.of("LakeForge " + mode.name(), String.format("%.1f", median),
          String.format("**%.2f**", median / base), String.format("%.0f", BenchEnv.median(calls)))));
    }
    threads.shutdown();
    emulator.reset();
    return out.append('\n').toString();
  }

  /** Milliseconds until all requests ran {@code select 1}. */
  private static double burst(DataSource pool, ExecutorService threads) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      done.add(threads.submit(() -> {
        start.await();
        try (Connection c = pool.getConnection()) {
          c.createStatement().execute("select 1");
        }
        return null;
      }));
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    return (System.nanoTime() - t0) / 1e6;
  }
}
