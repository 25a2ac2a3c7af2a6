package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The caller's budget and LakeForge's errors on platform and on virtual threads. Agroal opens a
 * connection for a virtual-thread caller on its own housekeeping thread (AG-315), so nothing the
 * pool learns from the calling thread reaches the opener there. The virtual cases run on JDK 21+
 * and are skipped on 17; CI runs this class on JDK 17 and on JDK 25.
 */
class ThreadKindTest {

  enum Caller {
    PLATFORM, VIRTUAL;

    ExecutorService executor() {
      if (this == PLATFORM) {
        return Executors.newSingleThreadExecutor();
      }
      try {
        Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        return (ExecutorService) m.invoke(null);
      } catch (NoSuchMethodException e) {
        return null;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private final List<AutoCloseable> open = new ArrayList<>();
  private ExecutorService caller;

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
    if (caller != null) {
      caller.shutdownNow();
    }
  }

  /** Skips the virtual case on a JVM without virtual threads (17), before anything runs. */
  private void start(Caller kind) {
    caller = kind.executor();
    assumeTrue(caller != null, "this JVM has no virtual threads");
  }

  private <T> T on(Caller kind, Callable<T> work) throws Exception {
    try {
      return caller.submit(work).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private LakebasePool pool(LakebaseConfig.Builder config) {
    LakebasePool pool = LakebasePool.create(config.build(), env.client());
    open.add(pool);
    return pool;
  }

  private static String currentUser(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select current_user")) {
      r.next();
      return r.getString(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aHungApiFailsWithinTheBudgetWithLakeForgesReasonAndSqlState(Caller kind) throws Exception {
    start(kind);
    LakebasePool pool = pool(env.config().credentialMode(CredentialMode.PER_CONNECTION)
        .acquisitionTimeout(Duration.ofSeconds(2)).apiTimeout(Duration.ofSeconds(10)));
    emulator.latency(Duration.ofSeconds(5));
    long start = System.nanoTime();
    SQLException e = assertThrows(SQLException.class, () -> on(kind, pool::getConnection));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals("08001", e.getSQLState(), e.toString());
    assertTrue(e.getMessage().startsWith(pool.name() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("acquisition timeout"), e.getMessage());
    assertTrue(e.getMessage().contains("Lakebase credential"), e.getMessage());
    // A bound on the wait, not a performance figure: 2 s budget, pgjdbc's whole seconds, load.
    assertTrue(tookMs < 6_000, "failed after " + tookMs + " ms");
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aServerErrorKeepsItsSqlState(Caller kind) throws Exception {
    start(kind);
    LakebasePool pool = pool(env.config().database("no_such_database"));
    SQLException e = assertThrows(SQLException.class, () -> on(kind, pool::getConnection));
    assertEquals("3D000", e.getSQLState(), e.toString());
    assertTrue(e.getMessage().contains("no_such_database"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aRejectedPasswordIsRetriedOnceWithANewCredential(Caller kind) throws Exception {
    start(kind);
    LakebasePool pool = pool(env.config());
    Connection first = on(kind, pool::getConnection);
    emulator.revokeCurrent();
    assertEquals(TestLakebase.ROLE, on(kind, () -> {
      try (Connection second = pool.getConnection()) {
        return currentUser(second);
      }
    }));
    assertEquals(2, emulator.credentialCalls());
    first.close();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFullPoolTimesOutNamingItsState(Caller kind) throws Exception {
    start(kind);
    LakebasePool pool = pool(env.config().maxSize(1).acquisitionTimeout(Duration.ofMillis(500)));
    Connection held = on(kind, pool::getConnection);
    SQLException e = assertThrows(SQLException.class, () -> on(kind, pool::getConnection));
    assertInstanceOf(java.sql.SQLTimeoutException.class, e);
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("all 1 connections are in use"), e.getMessage());
    held.close();
  }

  /**
   * Ten callers at once against a hung API: platform callers each open on their own thread;
   * for virtual callers Agroal queues the opens on its one housekeeping thread, and those still
   * queued when every caller has given up must not call the API (before: each one did, for a
   * whole budget of its own, ten budgets after the callers had left).
   */
  @ParameterizedTest
  @EnumSource(Caller.class)
  void opensEndWithTheirCallersWhereverAgroalRunsThem(Caller kind) throws Exception {
    start(kind);
    int callers = 10;
    LakebasePool pool = pool(env.config().credentialMode(CredentialMode.PER_CONNECTION)
        .maxSize(callers).maxWaiting(callers).acquisitionTimeout(Duration.ofSeconds(1))
        .apiTimeout(Duration.ofSeconds(30)));
    emulator.latency(Duration.ofSeconds(30));
    ExecutorService many = kind == Caller.PLATFORM
        ? Executors.newFixedThreadPool(callers) : kind.executor();
    try {
      List<Future<Object>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(many.submit(() -> pool.getConnection()));
      }
      for (var r : results) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(60, TimeUnit.SECONDS));
        assertEquals("08001", ((SQLException) e.getCause()).getSQLState());
      }
    } finally {
      many.shutdownNow();
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (pool.opening() > 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertEquals(0, pool.opening(), "opens still running after every caller gave up");
    int calls = emulator.credentialCalls();
    if (kind == Caller.PLATFORM) {
      assertEquals(callers, calls, "one open per caller, each on its caller's thread");
    } else {
      assertTrue(calls < callers / 2, calls + " credential calls for " + callers + " callers");
    }
  }
  /**
   * A caller cancelled (interrupted) while its connection is being opened against a hung API gives
   * up at once with an exception, and the open it started ends with it, wherever Agroal runs it.
   */
  @ParameterizedTest
  @EnumSource(Caller.class)
  void aCancelledCallerGivesUpAndItsOpenEnds(Caller kind) throws Exception {
    start(kind);
    LakebasePool pool = pool(env.config().credentialMode(CredentialMode.PER_CONNECTION)
        .acquisitionTimeout(Duration.ofSeconds(30)).apiTimeout(Duration.ofSeconds(30)));
    emulator.latency(Duration.ofSeconds(30));
    java.util.concurrent.CompletableFuture<Throwable> failed = new java.util.concurrent.CompletableFuture<>();
    Future<?> waiting = caller.submit(() -> {
      try (Connection c = pool.getConnection()) {
        failed.complete(null);
      } catch (Throwable t) {
        failed.complete(t);
      }
    });
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (pool.opening() == 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertEquals(1, pool.opening(), "the caller is opening a connection");
    waiting.cancel(true);
    // Bounds well inside the 30 s budget and the API's 30 s latency: the caller does not wait either out.
    Throwable t = failed.get(10, TimeUnit.SECONDS);
    assertInstanceOf(SQLException.class, t, String.valueOf(t));
    end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pool.opening() > 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertEquals(0, pool.opening(), "the open outlived its cancelled caller");
    assertTrue(emulator.credentialCalls() <= 1, emulator.credentialCalls() + " credential calls");
  }

  /** A query cancelled from another thread stops on the server, whichever kind of thread runs it. */
  @ParameterizedTest
  @EnumSource(Caller.class)
  void aCancelledQueryStopsWithPostgresCancelState(Caller kind) throws Exception {
    start(kind);
    LakebasePool pool = pool(env.config());
    java.util.concurrent.CompletableFuture<Statement> running = new java.util.concurrent.CompletableFuture<>();
    Future<Object> query = caller.submit(() -> {
      try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
        running.complete(s);
        return s.execute("select pg_sleep(30)");
      }
    });
    Statement s = running.get(20, TimeUnit.SECONDS);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!sleepingOnServer() && System.nanoTime() < end) {
      Thread.sleep(20); // a cancel that reaches the server before the query does is a no-op
    }
    s.cancel();
    ExecutionException e = assertThrows(ExecutionException.class, () -> query.get(10, TimeUnit.SECONDS));
    assertEquals("57014", ((SQLException) e.getCause()).getSQLState(), e.getCause().toString());
  }

  private boolean sleepingOnServer() throws SQLException {
    try (Connection c = env.superuser().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from pg_stat_activity"
            + " where query = 'select pg_sleep(30)' and state = 'active'")) {
      r.next();
      return r.getInt(1) > 0;
    }
  }
}
