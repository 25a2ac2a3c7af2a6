package io.lakeforge.bench;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Many branch contexts in one process: for 1, 20 and 200 branches of one {@link Lakebase} (one
 * read-write context each, one query each), the OAuth token requests and credential mints the
 * emulator counted, the threads LakeForge and Agroal run (names {@code lakeforge-…} and
 * {@code agroal-…}) with every pool open, once every branch was released ({@link
 * Lakebase#release}) and after close, and the heap after GC (less the heap before the {@code
 * Lakebase}). The idle release takes the same path as {@code release} and is tested in
 * {@code ManyBranchesTest}; here connections stay open ({@code maxIdle} 10 min) so that every pool
 * is still open when the first figures are taken. The branches are
 * existing ones on the emulator's base server, so no server copy is made; counts, not times.
 */
final class ManyBranches {

  private static final int[] SIZES = {1, 20, 200};
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  private ManyBranches() {}

  static String run() throws Exception {
    TestLakebase env = TestLakebase.get();
    DatabricksEmulator emulator = env.emulator();
    StringBuilder out = new StringBuilder();
    out.append("### Many branch contexts in one process\n\n")
        .append(BenchMain.row(List.of("branches", "OAuth token calls", "credential calls",
            "threads, all pools open", "heap after GC, all open",
            "threads after release of every branch", "heap after GC, released",
            "threads after close")))
        .append(BenchMain.row(List.of("---:", "---:", "---:", "---:", "---:", "---:", "---:",
            "---:")));
    for (int n : SIZES) {
      emulator.reset();
      List<BranchRef> refs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        BranchRef ref = new BranchRef("lakeforge-main", "bench-many-" + n + "-" + i, "primary", "");
        emulator.existingBranch(ref.projectId(), ref.branchId(), false);
        refs.add(ref);
      }
      WorkspaceClient client = BenchEnv.client();
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      long heapBefore = heapAfterGc();
      List<DSLContext> contexts = new ArrayList<>();
      long open;
      long released;
      long heapOpen;
      long heapReleased;
      try (Lakebase lakebase = Lakebase.create(BenchEnv.config().host(null).endpoint(null)
          .maxIdle(Duration.ofMinutes(10)).build(), client)) {
        for (BranchRef ref : refs) {
          DSLContext dsl = lakebase.readWrite(ref);
          dsl.fetchValue(DSL.inline(1));
          contexts.add(dsl);
        }
        open = threads(before);
        heapOpen = heapAfterGc() - heapBefore;
        for (BranchRef ref : refs) {
          lakebase.release(ref);
        }
        // The credential threads end 2 s after their last refresh, the API timer after 1 s.
        await(() -> threads(before) <= 2);
        released = threads(before);
        heapReleased = heapAfterGc() - heapBefore;
      }
      await(() -> threads(before) == 0);
      long closed = threads(before);
      out.append(BenchMain.row(List.of(Integer.toString(n),
          Integer.toString(emulator.oauthTokenCalls()), Integer.toString(emulator.credentialCalls()),
          Long.toString(open), mb(heapOpen), Long.toString(released),
          mb(heapReleased), Long.toString(closed))));
      java.lang.ref.Reference.reachabilityFence(contexts);
      java.lang.ref.Reference.reachabilityFence(client);
    }
    return out.append('\n').toString();
  }

  private static long threads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(name -> name.startsWith("lakeforge-") || name.startsWith("agroal-"))
        .count();
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(50);
    }
  }

  private static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }

}
