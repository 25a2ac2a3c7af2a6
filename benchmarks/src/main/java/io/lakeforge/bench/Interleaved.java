package io.lakeforge.bench;

import io.agroal.api.AgroalDataSource;
import io.lakeforge.runtime.LakebasePool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A paired, interleaved throughput harness for noisy machines: the candidate and the baseline run
 * in the same JVM in alternating short blocks (the order flipping every pair), so a slow patch of
 * the machine slows both. The result is the ratio of total operations, with the spread of the
 * per-pair ratios. Used for the hot-path and jOOQ ratios; JMH's absolute numbers are reported beside.
 */
final class Interleaved {

  static final int PAIRS = Integer.getInteger("bench.pairs", 40);
  static final Duration BLOCK = Duration.ofMillis(Integer.getInteger("bench.blockMillis", 250));

  /** One unit of work: returns normally or throws. */
  interface Op {
    void run() throws Exception;
  }

  record Ratio(double ratio, double p25, double p75, long candidateOps, long baselineOps) {
    String cell() {
      return String.format("**%.3f** (pairs IQR %.3f–%.3f)", ratio, p25, p75);
    }
  }

  private Interleaved() {}

  static String run() throws Exception {
    LakebasePool lakeforge = LakebasePool.create(BenchEnv.config().build(), BenchEnv.client());
    AgroalDataSource agroal = BenchEnv.staticAgroal(BenchEnv.config().build());
    com.zaxxer.hikari.HikariDataSource hikari = BenchEnv.staticHikari(BenchEnv.config().build());
    Op lfJdbc = () -> select1(lakeforge);
    Op baseJdbc = () -> select1(agroal);
    Op hikariJdbc = () -> select1(hikari);
    Op lfJooq = () -> lakeforge.dsl().selectOne().fetchOne(0, Integer.class);
    StringBuilder out = new StringBuilder();
    out.append("### Hot path and jOOQ cost, paired interleaved harness (").append(PAIRS)
        .append(" pairs of ").append(BLOCK.toMillis()).append(" ms blocks, same JVM")
        .append(System.getProperty("bench.serverCpus") == null ? ""
            : ", server pinned to CPUs " + System.getProperty("bench.serverCpus"))
        .append(")\n\n");
    out.append(BenchMain.row(List.of("threads", "LakeForge pool / Agroal static password (raw JDBC)",
        "LakeForge pool / HikariCP static password (raw JDBC)",
        "LakeForge ops/s", "baseline ops/s", "LakeForge jOOQ / raw JDBC (same pool)",
        "pgbench -M prepared, same clients (tps)", "LakeForge JDBC / pgbench")));
    out.append(BenchMain.row(List.of("---", "---", "---", "---", "---", "---", "---", "---")));
    for (int threads : new int[] {1, 8}) {
      warm(lfJdbc, baseJdbc, lfJooq, threads);
      warm(hikariJdbc, hikariJdbc, hikariJdbc, threads);
      Ratio hot = compare(lfJdbc, baseJdbc, threads);
      Ratio vsHikari = compare(lfJdbc, hikariJdbc, threads);
      Ratio jooq = compare(lfJooq, lfJdbc, threads);
      double seconds = PAIRS * BLOCK.toMillis() / 1000.0;
      double lfRate = hot.candidateOps() / seconds;
      double pgbench = HotPath.pgbench(threads);
      out.append(BenchMain.row(List.of(Integer.toString(threads), hot.cell(), vsHikari.cell(),
          String.format("%.0f", lfRate), String.format("%.0f", hot.baselineOps() / seconds),
          jooq.cell(), pgbench > 0 ? String.format("%.0f", pgbench) : "pgbench not found",
          pgbench > 0 ? String.format("%.2f", lfRate / pgbench) : "")));
    }
    lakeforge.close();
    agroal.close();
    hikari.close();
    return out.append('\n').toString();
  }

  private static void select1(javax.sql.DataSource ds) throws Exception {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("select 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      rs.getInt(1);
    }
  }

  private static void warm(Op a, Op b, Op c, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int i = 0; i < 8; i++) {
      block(pool, a, threads);
      block(pool, b, threads);
      block(pool, c, threads);
    }
    pool.shutdown();
  }

  static Ratio compare(Op candidate, Op baseline, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long candidateOps = 0;
    long baselineOps = 0;
    double[] pairs = new double[PAIRS];
    for (int p = 0; p < PAIRS; p++) {
      long c;
      long b;
      if (p % 2 == 0) {
        c = block(pool, candidate, threads);
        b = block(pool, baseline, threads);
      } else {
        b = block(pool, baseline, threads);
        c = block(pool, candidate, threads);
      }
      candidateOps += c;
      baselineOps += b;
      pairs[p] = (double) c / b;
    }
    pool.shutdown();
    Arrays.sort(pairs);
    return new Ratio((double) candidateOps / baselineOps, pairs[PAIRS / 4], pairs[3 * PAIRS / 4],
        candidateOps, baselineOps);
  }

  /** Operations completed by {@code threads} threads in one block. */
  private static long block(ExecutorService pool, Op op, int threads) throws Exception {
    long deadline = System.nanoTime() + BLOCK.toNanos();
    List<Future<Long>> counts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Callable<Long> worker = () -> {
        long n = 0;
        while (System.nanoTime() < deadline) {
          op.run();
          n++;
        }
        return n;
      };
      counts.add(pool.submit(worker));
    }
    long total = 0;
    for (Future<Long> f : counts) {
      total += f.get();
    }
    return total;
  }
}
