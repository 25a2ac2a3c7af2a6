package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.CredentialsProvider;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.HeaderFactory;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TcpProxy;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every wait has a budget and every close leaves nothing behind, under faults that would
 * otherwise hang or leak: a black-holed TCP path, an API that never answers, an Error inside a
 * refresh, a slow API during refresh-ahead, a close() racing the first use of an endpoint.
 * Bounds are the budget plus a generous but meaningful slack, never a tight timer.
 */
class LivenessTest {

  /** pgjdbc counts timeouts in whole seconds, and the machine may be busy. */
  private static final long SLACK_MS = 1_500;

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  @AfterEach
  void closeAll() throws Exception {
    emulator.reset();
    for (AutoCloseable c : open) {
      c.close();
    }
    threads.shutdownNow();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    open.add(c);
    return c;
  }

  /** Threads of LakeForge (credential refresh, async work) and of its Agroal pools. */
  static Set<String> lakeforgeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("lakeforge-") || n.startsWith("lakebase[") || n.startsWith("agroal-"))
        .collect(Collectors.toSet());
  }

  /** Waits up to 5 s for threads started since {@code before} to end; returns those left. */
  static Set<String> threadsLeftSince(Set<String> before) throws InterruptedException {
    Set<String> left = Set.of();
    for (int i = 0; i < 100; i++) {
      left = lakeforgeThreads().stream().filter(n -> !before.contains(n)).collect(Collectors.toSet());
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(50);
    }
    return left;
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void aNewLoginBehindABlackHoledPathFailsWithinTheBudget() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    proxy.blackHole(true);
    LakebasePool pool = closeLater(LakebasePool.create(env.config().port(proxy.port())
        .acquisitionTimeout(Duration.ofSeconds(2)).build(), env.client()));
    long start = System.nanoTime();
    Future<?> attempt = threads.submit(() -> assertThrows(SQLException.class, pool::getConnection));
    attempt.get(30, TimeUnit.SECONDS);
    long took = millisSince(start);
    assertTrue(took < 2_000 + SLACK_MS, "getConnection took " + took + " ms with a 2 s budget");
  }

  @Test
  void validatingAnIdleConnectionBehindABlackHoledPathFailsWithinTheBudget() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    LakebasePool pool = closeLater(LakebasePool.create(env.config().port(proxy.port())
        .maxSize(1).idleValidation(Duration.ofMillis(1))
        .acquisitionTimeout(Duration.ofSeconds(2)).build(), env.client()));
    pool.getConnection().close();
    Thread.sleep(50); // idle for longer than idleValidation: validated before it is lent again
    proxy.blackHole(true);
    long start = System.nanoTime();
    Future<?> attempt = threads.submit(() -> assertThrows(SQLException.class, pool::getConnection));
    attempt.get(30, TimeUnit.SECONDS);
    long took = millisSince(start);
    assertTrue(took < 2_000 + SLACK_MS, "getConnection took " + took + " ms with a 2 s budget");
  }

  @Test
  void aHangingApiFailsWithinTheBudgetLeavesNoThreadAndSparesTheApplicationsClient()
      throws Exception {
    Set<String> before = lakeforgeThreads();
    WorkspaceClient application = env.client();
    emulator.hang(true);
    // 20 attempts of 500 ms: the request outlasts every caller's 1 s budget.
    LakebasePool pool = closeLater(LakebasePool.create(env.config()
        .acquisitionTimeout(Duration.ofSeconds(1)).apiTimeout(Duration.ofMillis(500))
        .apiAttempts(20).build(), application));
    for (int i = 0; i < 6; i++) {
      long start = System.nanoTime();
      SQLException e = assertThrows(SQLException.class, pool::getConnection);
      long took = millisSince(start);
      assertTrue(took < 1_000 + SLACK_MS, "attempt " + i + " took " + took + " ms: " + e.getMessage());
    }
    assertTrue(emulator.credentialCalls() >= 4, "each attempt was cut at apiTimeout (500 ms) by"
        + " LakeForge's own HTTP client, not left to the application's (10 s): "
        + emulator.credentialCalls() + " calls");
    pool.close();
    assertEquals(Set.of(), threadsLeftSince(before), "LakeForge threads alive after close()");
    long start = System.nanoTime();
    assertEquals(TestLakebase.ROLE, application.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName());
    assertTrue(millisSince(start) < 5_000, "the application's own SDK calls are not starved");
  }

  /** A credentials provider whose headers fail with an Error, as a JVM out of threads would. */
  private static final class FailingWithError implements CredentialsProvider {
    @Override
    public String authType() {
      return "failing-with-error";
    }

    @Override
    public HeaderFactory configure(DatabricksConfig config) {
      return () -> {
        try {
          Thread.sleep(1_000); // long enough for every caller to be waiting on this refresh
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new OutOfMemoryError("unable to create native thread (injected by the test)");
      };
    }
  }

  @Test
  void perConnectionMintsWhoseCallersGaveUpAreCancelledNotLeftQueued() throws Exception {
    emulator.hang(true);
    LakebasePool pool = closeLater(LakebasePool.create(env.config()
        .set(LakebaseSettings.CREDENTIAL_MODE, CredentialMode.PER_CONNECTION).maxSize(2)
        .acquisitionTimeout(Duration.ofMillis(300)).apiTimeout(Duration.ofSeconds(2))
        .apiAttempts(1).build(), env.client()));
    List<Future<?>> callers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      callers.add(threads.submit(() -> {
        for (int j = 0; j < 6; j++) {
          assertThrows(SQLException.class, pool::getConnection);
        }
        return null;
      }));
    }
    for (Future<?> f : callers) {
      f.get(60, TimeUnit.SECONDS);
    }
    // Every caller has given up: what reached the API so far was at most one mint per thread
    // at a time; nothing may be left waiting to fire once the API answers again.
    int whileHung = emulator.credentialCalls();
    emulator.hang(false);
    CredentialCache cache = pool.credentialCache();
    PoolCredentialTest.awaitTrue(() -> cache.pendingRequests() == 0, "the cache is idle");
    assertEquals(whileHung, emulator.credentialCalls(), "mints fired after recovery for callers"
        + " that had given up (48 calls failed, " + whileHung + " reached the API while it hung)");
  }

  @Test
  void anErrorInsideARefreshFailsEveryWaiterPromptly() throws Exception {
    WorkspaceClient client = new WorkspaceClient(new DatabricksConfig().setHost(emulator.url())
        .setCredentialsProvider(new FailingWithError()));
    // The data source requests its first credential on first use: all eight callers wait for it.
    LakebaseDataSource pool = closeLater(LakebaseDataSource.create(env.config()
        .acquisitionTimeout(Duration.ofSeconds(60)).build(), client));
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Throwable>> waiters = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      waiters.add(threads.submit(() -> {
        go.await();
        try (Connection c = pool.getConnection()) {
          return null;
        } catch (Throwable t) {
          return t;
        }
      }));
    }
    long start = System.nanoTime();
    go.countDown();
    for (Future<Throwable> w : waiters) {
      Throwable t = w.get(30, TimeUnit.SECONDS);
      assertInstanceOf(SQLException.class, t);
      assertTrue(t.getMessage().contains("OutOfMemoryError"), t.getMessage());
    }
    long took = millisSince(start);
    assertTrue(took < 4_000, "every waiter heard of the Error after " + took + " ms, not after"
        + " the 60 s budget or a later retry");
  }

  @Test
  void anInterruptedCallerStopsWaitingAndTheOthersStillGetTheCredential() throws Exception {
    emulator.latency(Duration.ofMillis(1_500));
    // The data source requests its first credential on first use, on the first caller's behalf.
    LakebaseDataSource pool = closeLater(LakebaseDataSource.create(env.config().build(),
        env.client()));
    Future<Throwable> first = threads.submit(() -> {
      try (Connection c = pool.getConnection()) {
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    Thread.sleep(200); // the first caller waits for the credential
    List<Future<Throwable>> others = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      others.add(threads.submit(() -> {
        try (Connection c = pool.getConnection()) {
          return null;
        } catch (Throwable t) {
          return t;
        }
      }));
    }
    Thread.sleep(200);
    long start = System.nanoTime();
    first.cancel(true); // interrupts the first caller
    for (Future<Throwable> other : others) {
      assertEquals(null, other.get(30, TimeUnit.SECONDS), "the others log in");
    }
    assertTrue(first.isCancelled());
    assertEquals(1, emulator.credentialCalls(), "the interrupt did not restart the request");
    assertTrue(millisSince(start) < 1_500 + SLACK_MS, "no one waited longer than the API call");
  }

  @Test
  void thirtyTwoOpensDuringRefreshAheadDoNotWaitForASlowApi() throws Exception {
    emulator.tokenLifetime(Duration.ofSeconds(6));
    LakebasePool pool = closeLater(LakebasePool.create(env.config().maxSize(40)
        .refreshMargin(Duration.ofSeconds(3)).build(), env.client()));
    Connection first = pool.getConnection();
    Thread.sleep(3_300); // due for refresh, still valid for about 2.7 s
    emulator.latency(Duration.ofMillis(1_500));
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch opened = new CountDownLatch(32);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<?>> callers = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      callers.add(threads.submit(() -> {
        go.await();
        try (Connection c = pool.getConnection()) {
          opened.countDown();
          release.await();
        }
        return null;
      }));
    }
    go.countDown();
    assertTrue(opened.await(30, TimeUnit.SECONDS), "32 connections opened");
    assertEquals(1, pool.stats().credentialRefreshes(),
        "all 32 opened with the cached credential while the refresh was still waiting for the API");
    release.countDown();
    for (Future<?> f : callers) {
      f.get(30, TimeUnit.SECONDS);
    }
    PoolCredentialTest.awaitTrue(() -> pool.stats().credentialRefreshes() == 2,
        "the background refresh completed");
    first.close();
  }

  @Test
  void closeDuringTheFirstUseOfAnEndpointLeavesNoPoolThreadOrSession() throws Exception {
    Set<String> before = lakeforgeThreads();
    emulator.endpointLatency(Duration.ofMillis(1_500));
    BranchRef dev = new BranchRef("lakeforge-main", "dev", "primary", "readonly");
    String app = TestLakebase.applicationName("close-race");
    Lakebase lakebase = Lakebase.create(env.config().host(null).endpoint(null)
        .set(LakebaseSettings.APPLICATION_NAME, app).build(), env.client());
    Future<Integer> firstUse = threads.submit(
        () -> lakebase.readWrite(dev).fetchValue(DSL.inline(1)));
    Thread.sleep(300); // the endpoint lookup is under way
    lakebase.close();
    Exception e = assertThrows(Exception.class, () -> firstUse.get(30, TimeUnit.SECONDS));
    assertInstanceOf(LakebaseClosedException.class, e.getCause(), String.valueOf(e.getCause()));
    emulator.endpointLatency(Duration.ZERO);
    assertEquals(0, env.sessionsAfterClose(app), "no server session left");
    assertEquals(Set.of(), threadsLeftSince(before), "no pool or credential thread left");
  }

  @Test
  void closeWhileAPoolAwaitsItsFirstCredentialEndsThePoolsThreadsAtOnce() throws Exception {
    Set<String> before = lakeforgeThreads();
    emulator.hang(true);
    BranchRef dev = new BranchRef("lakeforge-main", "dev", "primary", "readonly");
    // Host and user configured: the pool starts at once; its borrow waits up to 20 s.
    Lakebase lakebase = Lakebase.create(env.config().endpoint(null)
        .acquisitionTimeout(Duration.ofSeconds(20)).build(), env.client());
    Future<Integer> firstUse = threads.submit(
        () -> lakebase.readWrite(dev).fetchValue(DSL.inline(1)));
    PoolCredentialTest.awaitTrue(() -> emulator.credentialCalls() > 0, "the first mint hangs");
    long start = System.nanoTime();
    lakebase.close();
    Exception e = assertThrows(Exception.class,
        () -> firstUse.get(SLACK_MS, TimeUnit.MILLISECONDS), "the first use ended with close()");
    // The pool exists at once (failFast=false); its borrow, waiting for the credential, is what
    // close() ends: jOOQ's wrapper around the pool's 08003 whose cause is the closed exception.
    Throwable cause = e.getCause();
    while (cause != null && !(cause instanceof LakebaseClosedException)) {
      cause = cause.getCause();
    }
    assertInstanceOf(LakebaseClosedException.class, cause, String.valueOf(e.getCause()));
    assertTrue(millisSince(start) < 2 * SLACK_MS, "ended " + millisSince(start) + " ms after close");
    emulator.hang(false);
    assertEquals(Set.of(), threadsLeftSince(before), "no pool or credential thread left");
  }

  @Test
  void aComputeStartingUpOnTheFirstLoginIsRetriedWithinTheBudget() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    proxy.answerStartingUp(2);
    LakebasePool pool = closeLater(LakebasePool.create(env.config().port(proxy.port())
        .acquisitionTimeout(Duration.ofSeconds(5)).build(), env.client()));
    long start = System.nanoTime();
    try (Connection c = pool.getConnection()) {
      assertTrue(c.isValid(2));
    }
    assertTrue(millisSince(start) < 5_000 + SLACK_MS, "within the budget");
    assertEquals(3, proxy.accepted(), "two 57P03 answers, then a login");
  }

  @Test
  void aRejectedCredentialIsNeverPresentedTwice() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    LakebasePool pool = closeLater(LakebasePool.create(env.config().port(proxy.port()).build(),
        env.client()));
    Connection held = pool.getConnection();
    emulator.revokeCurrent();
    try (Connection c = pool.getConnection()) {
      assertTrue(c.isValid(2));
    }
    assertEquals(3, proxy.accepted(), "first login, one login rejected with 28P01, one with a new"
        + " credential: the rejected one is not tried again");
    assertEquals(2, emulator.credentialCalls());
    held.close();
  }
}
