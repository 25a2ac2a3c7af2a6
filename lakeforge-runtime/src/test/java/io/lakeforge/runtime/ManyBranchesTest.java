package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many branch contexts in one process (issue 21, 6): one OAuth token for all of them, threads that
 * do not grow with the number of branches once their pools are idle, a branch released and used
 * again, and nothing left running after close. The branches are existing ones on the emulator's
 * base server, so no server copy is made.
 */
class ManyBranchesTest {

  private static final int BRANCHES = 20;
  /**
   * LakeForge's and Agroal's threads once every branch pool is idle: the housekeeping thread, the
   * API deadline timer and a credential thread finishing its keep-alive, whatever the number of
   * branches.
   */
  private static final int IDLE_THREADS = 3;
  /** Generous: the condition is polled, so a busy machine only makes the test slower. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private final String app = TestLakebase.applicationName("many-branches");

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  private static List<BranchRef> branches(String prefix, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new BranchRef("lakeforge-main", prefix + i, "primary", "readonly"))
        .toList();
  }

  private List<BranchRef> existing(String prefix, int n) {
    List<BranchRef> refs = branches(prefix, n);
    refs.forEach(b -> emulator.existingBranch(b.projectId(), b.branchId(), false));
    return refs;
  }

  private LakebaseConfig.Builder config() {
    return env.config().host(null).endpoint(null).set(LakebaseSettings.APPLICATION_NAME, app);
  }

  @Test
  void twentyBranchContextsAuthenticateOnceWithOneSharedApiClient() {
    List<BranchRef> refs = existing("many-oauth-", BRANCHES);
    WorkspaceClient client = env.client();
    int sharedBefore = DatabricksCalls.sharedClients();
    try (Lakebase lakebase = Lakebase.create(config().build(), client)) {
      for (BranchRef b : refs) {
        assertEquals(1, lakebase.readWrite(b).fetchValue(DSL.inline(1)));
      }
      assertEquals(sharedBefore + 1, DatabricksCalls.sharedClients(), "one API client for all");
      assertEquals(BRANCHES, lakebase.stats().size());
      assertEquals(BRANCHES, emulator.credentialCalls(), "one credential per endpoint");
      assertEquals(1, emulator.oauthTokenCalls(),
          "one OAuth token for every branch of one Databricks client");
    }
    assertEquals(sharedBefore, DatabricksCalls.sharedClients(), "the last user closed it");
  }

  @Test
  void aStandalonePoolAuthenticatesOnceForItsLookupsAndCredentials() {
    try (LakebasePool pool = LakebasePool.create(env.config().host(null).user(null)
        .set(LakebaseSettings.APPLICATION_NAME, app).build(), env.client())) {
      assertEquals(1, pool.dsl().fetchValue(DSL.inline(1)));
      assertEquals(1, emulator.endpointCalls());
      assertEquals(1, emulator.oauthTokenCalls(), "the host and user lookups and the credential");
    }
  }

  @Test
  void idleBranchPoolsAreReleasedSoThreadsDoNotGrowWithBranchesAndCloseLeavesNone()
      throws Exception {
    List<BranchRef> refs = existing("many-threads-", BRANCHES);
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    List<DSLContext> contexts = new ArrayList<>();
    try (Lakebase lakebase = Lakebase.create(config().maxIdle(Duration.ofSeconds(1))
        .set(LakebaseSettings.POOL_IDLE_RELEASE, Duration.ofSeconds(1)).build(), env.client())) {
      for (BranchRef b : refs) {
        DSLContext dsl = lakebase.readWrite(b);
        assertEquals(1, dsl.fetchValue(DSL.inline(1)));
        contexts.add(dsl);
      }
      assertTrue(lakeforgeThreads(before).size() >= BRANCHES,
          "one Agroal housekeeping thread per open pool: " + lakeforgeThreads(before));

      await(() -> lakebase.stats().isEmpty(), "every idle branch pool released");
      await(() -> lakeforgeThreads(before).size() <= IDLE_THREADS,
          "at most " + IDLE_THREADS + " threads once the pools are idle");
      assertTrue(lakeforgeThreads(before).size() <= IDLE_THREADS, lakeforgeThreads(before)
          + " for " + BRANCHES + " branches");
      assertEquals(0, env.sessions(app), "released pools keep no session");

      // The contexts handed out before the release still work: their pool opens again.
      assertEquals(2, contexts.get(0).fetchValue(DSL.inline(2)));
      assertEquals(1, lakebase.stats().size());
    }
    await(() -> lakeforgeThreads(before).isEmpty(), "no LakeForge or Agroal thread after close");
    assertEquals(Set.of(), lakeforgeThreads(before));
  }

  @Test
  void aReleasedBranchComesBackOnNextUse() throws Exception {
    BranchRef dev = existing("many-release-", 1).get(0);
    BranchRef other = existing("many-kept-", 1).get(0);
    try (Lakebase lakebase = Lakebase.create(config().build(), env.client())) {
      DSLContext rw = lakebase.readWrite(dev);
      assertEquals(1, rw.fetchValue(DSL.inline(1)));
      assertEquals(1, lakebase.readOnly(dev).fetchValue(DSL.inline(1)));
      lakebase.readWrite(other).fetchValue(DSL.inline(1));
      assertEquals(3, env.sessions(app));

      java.lang.ref.WeakReference<LakebasePool> releasedPool =
          new java.lang.ref.WeakReference<>(lakebase.pool(dev, EndpointKind.READ_WRITE));
      assertEquals(2, lakebase.release(dev), "both endpoints of the branch");
      await(() -> {
        System.gc();
        return releasedPool.get() == null;
      }, "the released pool unreachable, though this thread borrowed from it");
      assertEquals(1, lakebase.stats().size(), "the other branch keeps its pool");
      await(() -> env.sessions(app) == 1, "the released pools' sessions closed, the other's kept");

      assertEquals(3, rw.fetchValue(DSL.inline(3)), "the context handed out before");
      assertEquals(4, lakebase.readWrite(dev).fetchValue(DSL.inline(4)));
      assertEquals(2, lakebase.stats().size());
      assertEquals(0, lakebase.release(branches("never-used-", 1).get(0)));
      BranchRef noReadOnly = new BranchRef("lakeforge-main", other.branchId(), "primary", "");
      assertEquals(1, lakebase.release(noReadOnly), "a handle without a read-only endpoint");
    }
  }

  @Test
  void aPoolWithAnOpenIdleConnectionIsNotReleased() throws Exception {
    BranchRef dev = existing("many-kept-open-", 1).get(0);
    try (Lakebase lakebase = Lakebase.create(config().maxIdle(Duration.ofMinutes(10))
        .set(LakebaseSettings.POOL_IDLE_RELEASE, Duration.ofMillis(100)).build(), env.client())) {
      assertEquals(1, lakebase.readWrite(dev).fetchValue(DSL.inline(1)));
      // Whatever the number of sweeps in this second (fewer on a busy machine), none may release
      // a pool whose connection is still open.
      Thread.sleep(1000);
      assertEquals(1, lakebase.stats().size(), "the pool keeps its idle connection");
      assertEquals(1, env.sessions(app));
    }
  }

  @Test
  void aPoolClosedByItsHolderIsOpenedAgainOnNextUse() {
    BranchRef dev = existing("many-closed-", 1).get(0);
    try (Lakebase lakebase = Lakebase.create(config().build(), env.client())) {
      LakebasePool pool = lakebase.pool(dev, EndpointKind.READ_WRITE);
      pool.close();
      assertEquals(1, lakebase.readWrite(dev).fetchValue(DSL.inline(1)));
      LakebasePool again = lakebase.pool(dev, EndpointKind.READ_WRITE);
      assertTrue(again != pool && !again.isClosed(), "a new pool");
    }
  }

  /** Threads named by LakeForge ({@code lakeforge-…}) or Agroal ({@code agroal-…}) this test started. */
  private static Set<String> lakeforgeThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(n -> n.startsWith("lakeforge-") || n.startsWith("agroal-"))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertTrue(condition.getAsBoolean(), what + " within " + PATIENCE.toSeconds() + " s");
  }
}
