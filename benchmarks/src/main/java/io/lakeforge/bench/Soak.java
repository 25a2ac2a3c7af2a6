package io.lakeforge.bench;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseSettings;
import io.lakeforge.runtime.LakebasePoolStats;
import io.lakeforge.sample.Branches;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The endurance run: threads query every endpoint of every sample branch while credentials expire
 * every few seconds, a tenth of API calls fail with 429/500, some take a second, and the pool's
 * max lifetime forces reconnects. Passes only with zero failed queries, zero sessions left after
 * close, API calls within the single-flight bound, and flat memory.
 */
final class Soak {

  static final Duration LIFETIME = Duration.ofSeconds(4);
  static final int THREADS = 6;
  static final int ATTEMPTS = 4;

  record Result(boolean passed, String report) {}

  private Soak() {}

  static Result run(int seconds) throws Exception {
    TestLakebase env = TestLakebase.get();
    DatabricksEmulator emulator = env.emulator();
    emulator.reset();
    emulator.tokenLifetime(LIFETIME);
    emulator.randomFaults(0.10, 0.05, 20261124L);
    int mintedBefore = emulator.mintedTokens().size();

    String app = TestLakebase.applicationName("soak");
    LakebaseConfig config = BenchEnv.config().host(null).endpoint(null)
        .set(LakebaseSettings.APPLICATION_NAME, app)
        .maxSize(4)
        .maxLifetime(Duration.ofSeconds(3))
        .apiAttempts(ATTEMPTS)
        .apiTimeout(Duration.ofSeconds(3))
        .apiBackoff(Duration.ofMillis(50))
        .build();
    List<DSLContext> contexts = new ArrayList<>();
    Lakebase lakebase = Lakebase.create(config, BenchEnv.client());
    for (BranchRef branch : Branches.all()) {
      if (branch.hasReadOnlyEndpoint()) { // pre-prod declares none
        contexts.add(lakebase.readOnly(branch));
      }
      contexts.add(lakebase.readWrite(branch));
    }

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int offset = t;
      Thread worker = new Thread(() -> {
        int i = offset;
        while (running.get()) {
          try {
            String user = contexts.get(i++ % contexts.size()).fetchValue(DSL.currentUser());
            if (TestLakebase.ROLE.equals(user)) {
              ok.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          } catch (RuntimeException e) {
            failed.incrementAndGet();
            if (failures.size() < 5) {
              failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
          }
        }
      }, "soak-" + t);
      worker.start();
      workers.add(worker);
    }

    List<long[]> heap = new ArrayList<>();
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(2_000);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      heap.add(new long[] {(System.nanoTime() - start) / 1_000_000_000L, rt.totalMemory() - rt.freeMemory()});
    }
    running.set(false);
    for (Thread w : workers) {
      w.join(30_000);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long connections = lakebase.stats().values().stream().mapToLong(LakebasePoolStats::connectionsCreated).sum();
    long failuresApi = lakebase.stats().values().stream().mapToLong(LakebasePoolStats::credentialFailures).sum();
    int endpoints = lakebase.stats().size();
    lakebase.close();
    int sessions = env.sessionsAfterClose(app);
    int calls = emulator.credentialCalls();
    int rotations = emulator.rotations();
    int minted = emulator.mintedTokens().size() - mintedBefore;
    emulator.reset();

    // Single flight: at most one refresh per endpoint per half-lifetime window (two at a window's
    // edge), each taking at most ATTEMPTS calls. Without it every physical connection would call.
    long windows = (long) Math.ceil(elapsed / (LIFETIME.toSeconds() / 2.0));
    long bound = endpoints * (2 * windows + 1) * ATTEMPTS;

    int window = Math.max(1, seconds >= 300 ? 30 : heap.size() / 5);
    double first = medianMb(heap.subList(0, Math.min(window, heap.size())));
    double last = medianMb(heap.subList(Math.max(0, heap.size() - window), heap.size()));
    boolean flat = last <= first * 1.25 + 8;

    boolean passed = failed.get() == 0 && sessions == 0 && calls <= bound && flat && ok.get() > 0;
    StringBuilder out = new StringBuilder();
    out.append("### Endurance: ").append(seconds).append(" s, ").append(THREADS)
        .append(" threads over ").append(endpoints).append(" endpoints (3 branches × read-only and read-write);"
            + " credentials expire every ").append(LIFETIME.toSeconds()).append(" s, 10% of API calls"
            + " answer 429/500, 5% take 1 s, pool max lifetime 3 s\n\n");
    out.append(BenchMain.row(List.of("measure", "value", "target", "")));
    out.append(BenchMain.row(List.of("---", "---", "---", "---")));
    out.append(BenchMain.row(List.of("queries succeeded", Long.toString(ok.get()), "> 0", mark(ok.get() > 0))));
    out.append(BenchMain.row(List.of("queries failed", Long.toString(failed.get()), "0", mark(failed.get() == 0))));
    out.append(BenchMain.row(List.of("physical connections opened", Long.toString(connections), "", "")));
    out.append(BenchMain.row(List.of("credential API calls (retries included)", Integer.toString(calls),
        "≤ " + bound + " (single-flight bound)", mark(calls <= bound))));
    out.append(BenchMain.row(List.of("credential refreshes that failed after retries", Long.toString(failuresApi), "", "")));
    out.append(BenchMain.row(List.of("distinct credentials minted (each valid "
        + LIFETIME.toSeconds() + " s)", Integer.toString(minted), "", "")));
    out.append(BenchMain.row(List.of("passwords rotated at expiry (no refresh in time)",
        Integer.toString(rotations), "", "")));
    out.append(BenchMain.row(List.of("sessions left after close()", Integer.toString(sessions), "0", mark(sessions == 0))));
    out.append(BenchMain.row(List.of("heap after GC, first vs last window (MB)",
        String.format("%.1f → %.1f", first, last), "≤ first × 1.25 + 8", mark(flat))));
    if (!failures.isEmpty()) {
      out.append("\nFirst failures:\n");
      failures.forEach(f -> out.append("- ").append(f).append('\n'));
    }
    out.append("\n").append(passed ? "PASSED" : "FAILED").append(": endurance run\n");
    return new Result(passed, out.toString());
  }

  private static String mark(boolean ok) {
    return ok ? "ok" : "**FAIL**";
  }

  private static double medianMb(List<long[]> samples) {
    double[] mb = samples.stream().mapToDouble(s -> s[1] / 1048576.0).sorted().toArray();
    return mb.length == 0 ? 0 : mb[mb.length / 2];
  }
}
