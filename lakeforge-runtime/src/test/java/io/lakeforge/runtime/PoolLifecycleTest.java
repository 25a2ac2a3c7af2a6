package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.LogCapture;
import io.lakeforge.testing.TestLakebase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's own contract on top of Agroal, against the real server and emulator: close
 * (idempotent, 08003 afterwards, waiters and borrowed connections, the grace period, the
 * credential released), exhaustion and acquisition timeouts, the health check, the DataSource
 * methods it refuses or answers itself, and the figures it reports. Every wait is bounded by
 * seconds and every check is on a state, not on how long something took.
 */
class PoolLifecycleTest {

  /**
   * Held for LogCapture, which raises this logger's level: java.util.logging keeps loggers only
   * weakly, and a collected one comes back without the level.
   */
  private static final Logger LAKEFORGE_LOGS =
      Logger.getLogger("io.lakeforge");

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  /**
   * This test's own endpoint (so its own credential cache) and application name (so its own
   * sessions): under PIT all mutants of a class run one after the other in one JVM, and a mutant
   * that leaks a shared cache or a session must not decide the result for the next one.
   */
  private final String id = freshId();
  private final String endpoint = endpointOf(id);
  private final String application = "lifecycle-" + id;

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    threads.shutdownNow();
  }

  /** An endpoint id no other test uses, in this JVM or in an earlier one of the same server. */
  static String freshId() {
    return "ep-" + Long.toString(System.nanoTime(), 36) + "-" + SEQUENCE.incrementAndGet();
  }

  static String endpointOf(String id) {
    return "projects/lakeforge-main/branches/dev/endpoints/" + id;
  }

  /** The test server's settings for this test's endpoint and application name. */
  private LakebaseConfig.Builder config() {
    return env.config().endpoint(endpoint).set(LakebaseSettings.APPLICATION_NAME, application);
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

  /**
   * Waits up to 5 s for a state that takes milliseconds to reach; fails with {@code what}
   * otherwise. Under PIT a mutant that never reaches it fails here, before PIT's own timeout.
   */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 250 && !condition.getAsBoolean(); i++) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  /** Waits up to 5 s for {@code n} callers blocked in getConnection(). */
  private static void awaitWaiting(LakebasePool pool, int n) throws InterruptedException {
    await(() -> pool.stats().waiting() == n, n + " callers waiting");
  }

  /**
   * Sessions on the server with this application name (each test names its own, so sessions left
   * by other tests in the same JVM do not count), after waiting up to 5 s for closing ones to end.
   */
  static int sessionsAfterClose(TestLakebase env, String application) throws Exception {
    int sessions = count(env, "select count(*) from pg_stat_activity where application_name = ?",
        application);
    for (int i = 0; i < 100 && sessions > 0; i++) {
      Thread.sleep(50);
      sessions = count(env, "select count(*) from pg_stat_activity where application_name = ?",
          application);
    }
    return sessions;
  }

  static int terminateSessions(TestLakebase env, String application) throws SQLException {
    return count(env, "select count(pg_terminate_backend(pid)) from pg_stat_activity"
        + " where application_name = ?", application);
  }

  private static int count(TestLakebase env, String sql, String application) throws SQLException {
    try (Connection c = env.superuser().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, application);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  private Future<Connection> borrowInBackground(LakebasePool pool) {
    return threads.submit(() -> pool.getConnection());
  }

  @Test
  void closeIsIdempotentAndTheLastCloseReleasesTheSharedCredential() throws Exception {
    LakebasePool first = pool(config());
    LakebasePool second = pool(config());
    first.getConnection().close();
    assertEquals(1, emulator.credentialCalls(), "both pools share one credential");
    assertFalse(first.isClosed());
    first.close();
    first.close();
    assertTrue(first.isClosed());
    assertFalse(second.isClosed());

    SQLException closed = assertThrows(SQLException.class, first::getConnection);
    assertEquals("08003", closed.getSQLState());
    assertEquals(first.name() + ": the pool is closed; create a new one.", closed.getMessage());
    assertInstanceOf(LakebaseClosedException.class, closed.getCause());

    // Closing the first pool twice released the shared cache once: the second still logs in.
    try (Connection c = second.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
    }
    assertEquals(1, emulator.credentialCalls());
    assertNotNull(second.credentialStatus().expireTime(), "the shared cache holds the credential");
    second.close();
    assertNull(second.credentialStatus().expireTime(), "the last close dropped the credential");

    LakebasePool third = pool(config());
    try (Connection c = third.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
    }
    assertEquals(2, emulator.credentialCalls(), "a pool after the last close mints anew");
  }

  @Test
  void closeFailsAWaitingCallerAsClosedAndEndsBorrowedConnections() throws Exception {
    LakebasePool pool = pool(config().maxSize(1)
        .acquisitionTimeout(Duration.ofSeconds(10)));
    Connection held = pool.getConnection();
    Future<Connection> waiter = borrowInBackground(pool);
    awaitWaiting(pool, 1);
    pool.close();
    Exception e = assertThrows(Exception.class, () -> waiter.get(5, TimeUnit.SECONDS));
    SQLException closed = assertInstanceOf(SQLException.class, e.getCause());
    assertEquals("08003", closed.getSQLState(), closed.getMessage());
    assertInstanceOf(LakebaseClosedException.class, closed.getCause());
    assertThrows(SQLException.class, () -> currentUser(held),
        "no grace: the borrowed one is closed");
    assertEquals(0, sessionsAfterClose(env, application));
  }

  /**
   * Agroal destroys a connection flushed by a fatal error on its housekeeping thread, and its
   * close() drops destroy tasks still queued there: a connection returned broken just before the
   * pool closes kept its session until the server ended it. Each round closes the pool right after
   * such a return; without LakeForge's own sweep most rounds left a session.
   */
  @Test
  void aConnectionFlushedJustBeforeCloseDoesNotOutliveThePool() throws Exception {
    for (int round = 0; round < 10; round++) {
      LakebasePool pool = pool(config().maxSize(1));
      Connection c = pool.getConnection();
      try (Statement s = c.createStatement()) {
        // 57P01 is fatal for the pool (Jdbc.isFatal): Agroal flushes the connection on return.
        s.execute("do $$ begin raise exception 'going away' using errcode = '57P01'; end $$");
      } catch (SQLException expected) {
        assertEquals("57P01", expected.getSQLState());
      }
      c.close();
      pool.close();
    }
    assertEquals(0, sessionsAfterClose(env, application), "sessions left after 10 closed pools");
  }

  @Test
  void closeWaitsUpToCloseGraceForABorrowedConnection() throws Exception {
    LakebasePool pool = pool(config()
        .set(LakebaseSettings.CLOSE_GRACE, Duration.ofSeconds(10)));
    Connection borrowed = pool.getConnection();
    Future<?> closing = threads.submit(() -> pool.close());
    await(pool::isClosed, "close() started");
    assertThrows(SQLException.class, pool::getConnection, "no new borrowers while closing");
    try (Statement s = borrowed.createStatement()) {
      s.execute("select pg_sleep(1)"); // a pool that did not wait would end this query
    }
    assertEquals(TestLakebase.ROLE, currentUser(borrowed));
    assertFalse(closing.isDone(), "close() waits while a connection is borrowed");
    borrowed.close();
    closing.get(5, TimeUnit.SECONDS); // returns once the connection is back, not after 10 s
    assertEquals(0, sessionsAfterClose(env, application));
  }

  @Test
  void anInterruptedCloseStopsWaitingClosesEverythingAndKeepsTheInterrupt() throws Exception {
    LakebasePool pool = pool(config()
        .set(LakebaseSettings.CLOSE_GRACE, Duration.ofSeconds(10)));
    Connection borrowed = pool.getConnection();
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    Thread closer = new Thread(() -> {
      pool.close();
      interrupted.complete(Thread.currentThread().isInterrupted());
    }, "pool-lifecycle-closer");
    closer.start();
    await(pool::isClosed, "close() started");
    closer.interrupt();
    assertTrue(interrupted.get(5, TimeUnit.SECONDS), "the interrupt is kept for the caller");
    assertThrows(SQLException.class, () -> currentUser(borrowed), "closed without the grace");
    assertEquals(0, sessionsAfterClose(env, application));
  }

  @Test
  void anAcquisitionTimeoutNamesThePoolSizeAndTheTimeout() throws Exception {
    LakebasePool pool = pool(config().maxSize(2).acquisitionTimeout(Duration.ofSeconds(1)));
    try (Connection a = pool.getConnection(); Connection b = pool.getConnection()) {
      SQLTimeoutException e = assertThrows(SQLTimeoutException.class, pool::getConnection);
      assertEquals(pool.name() + ": no connection within the acquisition timeout (1000 ms); all 2"
          + " connections are in use. Raise maxSize or acquisitionTimeout, or shed load.",
          e.getMessage());
      assertEquals("08001", e.getSQLState());
      assertEquals("Sorry, acquisition timeout!", e.getCause().getMessage());
    }
  }

  @Test
  void maxWaitingTurnsAwayTheNextCallerAndCountsIt() throws Exception {
    for (boolean metrics : new boolean[] {true, false}) {
      emulator.reset();
      LakebasePool pool = pool(config().maxSize(1).maxWaiting(1).poolMetrics(metrics)
          .acquisitionTimeout(Duration.ofSeconds(5)));
      Connection held = pool.getConnection();
      Future<Connection> waiter = borrowInBackground(pool);
      awaitWaiting(pool, 1);
      if (!metrics) {
        // Without Agroal's waiter count maxWaiting + maxSize callers may be inside getConnection().
        Future<Connection> second = borrowInBackground(pool);
        awaitWaiting(pool, 2);
        PoolExhaustedException e = assertThrows(PoolExhaustedException.class, pool::getConnection);
        assertTrue(e.getMessage().startsWith(pool.name() + ": 1 callers are already waiting"),
            e.getMessage());
        held.close();
        waiter.get(5, TimeUnit.SECONDS).close();
        second.get(5, TimeUnit.SECONDS).close();
      } else {
        PoolExhaustedException e = assertThrows(PoolExhaustedException.class, pool::getConnection);
        assertTrue(e.getMessage().startsWith(pool.name() + ": 1 callers are already waiting"),
            e.getMessage());
        held.close();
        waiter.get(5, TimeUnit.SECONDS).close();
      }
      assertEquals(1, pool.activity().exhausted(), "metrics " + metrics);
      assertEquals(0, pool.stats().waiting(), "metrics " + metrics);
      try (Connection c = pool.getConnection()) {
        assertEquals(TestLakebase.ROLE, currentUser(c), "callers are admitted again");
      }
      pool.close();
    }
  }

  @Test
  void statsAndActivityReportThePoolAndItsCredential() throws Exception {
    long before = System.nanoTime(); // the pool's eager first refresh starts within create
    LakebasePool pool = pool(config().maxSize(3));
    LakebasePoolStats fresh = pool.stats();
    assertEquals(new LakebasePoolStats(pool.name(), 0, 0, 0, 3, 0, 0, 0, 0), fresh);
    try (Connection c = pool.getConnection()) {
      assertEquals(new LakebasePoolStats(pool.name(), 1, 0, 0, 3, 1, 1, 0, 1), pool.stats());
    }
    Duration firstBorrow = Duration.ofNanos(System.nanoTime() - before);
    assertEquals(new LakebasePoolStats(pool.name(), 0, 1, 0, 3, 1, 1, 0, 1), pool.stats());
    pool.getConnection().close();
    LakebasePoolActivity activity = pool.activity();
    assertEquals(2, activity.acquired());
    assertEquals(1, activity.created());
    assertTrue(activity.creationTime().compareTo(Duration.ZERO) > 0, activity.toString());
    assertTrue(activity.acquisitionTime().compareTo(activity.maxAcquisitionTime()) >= 0,
        activity.toString());
    assertEquals(0, activity.exhausted());
    LakebaseCredentialStatus status = pool.credentialStatus();
    assertEquals(1, status.refreshes());
    assertEquals(0, status.failures());
    assertEquals(1, status.apiCalls());
    assertEquals(0, status.apiRetries());
    assertNotNull(status.mintedAt());
    assertTrue(status.expireTime().isAfter(status.mintedAt()), status.toString());
    assertTrue(status.refreshTime().compareTo(Duration.ZERO) > 0, status.toString());
    assertTrue(status.refreshTime().compareTo(firstBorrow) <= 0,
        "the first refresh ran between create and the end of the first borrow: " + status + " "
            + firstBorrow);
    assertNull(status.lastFailure());
    assertNull(status.lastFailureAt());

    LakebasePool quiet = pool(config().poolMetrics(false));
    quiet.getConnection().close();
    assertEquals(new LakebasePoolActivity(0, Duration.ZERO, Duration.ZERO, 0, Duration.ZERO, 0),
        quiet.activity(), "Agroal measures nothing when poolMetrics is off");
  }

  @Test
  void theHealthCheckValidatesABorrowedOrANewConnection() throws Exception {
    LakebasePool pool = pool(config().maxSize(2));
    assertTrue(pool.isHealthy(false));
    assertEquals(1, pool.stats().connectionsCreated());
    assertTrue(pool.isHealthy(true));
    assertEquals(2, pool.stats().connectionsCreated(), "a new connection for the check");
    assertEquals(2, terminateSessions(env, application));
    assertEquals(0, sessionsAfterClose(env, application), "the server ended both sessions");
    assertFalse(pool.isHealthy(false), "an idle connection whose session ended fails the check");
  }

  @Test
  void userAndPasswordAndLoginTimeoutAreRefusedWithTheSettingToUse() throws Exception {
    LakebasePool pool = pool(config());
    SQLFeatureNotSupportedException user = assertThrows(SQLFeatureNotSupportedException.class,
        () -> pool.getConnection(TestLakebase.ROLE, "secret"));
    assertEquals(pool.name() + ": connections use minted credentials; call getConnection()"
        + " without a user and password.", user.getMessage());
    SQLFeatureNotSupportedException login = assertThrows(SQLFeatureNotSupportedException.class,
        () -> pool.setLoginTimeout(3));
    assertEquals(pool.name() + ": logins are bounded by acquisitionTimeout; set that instead.",
        login.getMessage());
    assertEquals(10, pool.getLoginTimeout(), "the acquisition timeout in seconds");
    assertEquals(1, pool(config().acquisitionTimeout(Duration.ofMillis(500))).getLoginTimeout(),
        "at least a second");
  }

  @Test
  void itUnwrapsOnlyToItself() throws Exception {
    LakebasePool pool = pool(config());
    assertSame(pool, pool.unwrap(LakebasePool.class));
    assertSame(pool, pool.unwrap(DataSource.class));
    assertTrue(pool.isWrapperFor(AutoCloseable.class));
    assertFalse(pool.isWrapperFor(Connection.class));
    SQLException e = assertThrows(SQLException.class, () -> pool.unwrap(Connection.class));
    assertEquals(pool.name() + " does not wrap java.sql.Connection", e.getMessage());
  }

  @Test
  void itDescribesItselfAndLogsWhereItConnects() throws Exception {
    LakebasePool pool;
    try (LogCapture logs = new LogCapture("io.lakeforge")) {
      pool = pool(config());
      assertTrue(logs.text().contains("lakebase[lakeforge-main/dev/" + id + "]: pool started for "
          + endpoint + " at 127.0.0.1:" + env.port() + " as " + TestLakebase.ROLE), logs.text());
    }
    assertEquals("lakebase[lakeforge-main/dev/" + id + "]", pool.name());
    assertEquals(endpoint, pool.endpoint());
    assertEquals("LakebasePool[lakebase[lakeforge-main/dev/" + id + "], endpoint=" + endpoint + "]",
        pool.toString());
    assertEquals(10, pool.config().maxSize());
    assertEquals("io.lakeforge.runtime", pool.getParentLogger().getName());
    pool.setLogWriter(new PrintWriter(new StringWriter()));
    assertNull(pool.getLogWriter(), "Agroal keeps no log writer; logs go through its listeners");
    assertEquals(TestLakebase.ROLE, pool.dsl().fetchValue(DSL.currentUser()));
    assertEquals(EndpointKind.READ_WRITE, pool.endpointKind());
    LakebasePool readOnly = pool(config().set(LakebaseSettings.READ_ONLY, true));
    assertEquals(EndpointKind.READ_ONLY, readOnly.endpointKind());
    try (Connection c = readOnly.getConnection()) {
      assertTrue(c.isReadOnly());
    }
  }

  @Test
  void jooqContextsSkipPerQueryWork() {
    Settings s = LakebasePool.jooqSettings();
    assertFalse(s.isExecuteLogging());
    assertFalse(s.isFetchWarnings());
    assertFalse(s.isRenderFormatted());
    assertFalse(s.isDiagnosticsLogging());
  }

  @Test
  void aMinimumSizeIsFilledInTheBackground() throws Exception {
    LakebasePool pool = pool(config().minSize(2).maxSize(4));
    await(() -> pool.stats().idle() == 2,
        "two connections opened without a caller");
    assertEquals(2, pool.stats().connectionsCreated());
  }

  @Test
  void closeCutsACredentialRequestThatIsStillWaitingForTheApi() throws Exception {
    Set<String> before = LivenessTest.lakeforgeThreads();
    emulator.hang(true);
    // The first credential is awaited for the acquisition timeout only; the request, allowed 60 s
    // per attempt, is still waiting for an answer when close() runs.
    LakebasePool pool = pool(config().acquisitionTimeout(Duration.ofSeconds(1))
        .apiTimeout(Duration.ofSeconds(60)));
    Future<Connection> caller = borrowInBackground(pool);
    Exception e = assertThrows(Exception.class, () -> caller.get(5, TimeUnit.SECONDS));
    SQLException failed = assertInstanceOf(SQLException.class, e.getCause());
    assertEquals(pool.name() + ": could not open a connection: no Lakebase credential within the"
        + " acquisition timeout; the request goes on in the background. Check that the Databricks"
        + " API answers, or raise acquisitionTimeout.",
        failed.getMessage());
    assertEquals(1, emulator.credentialCalls(), "the caller waited for the request in flight");
    pool.close();
    assertEquals(Set.of(), LivenessTest.threadsLeftSince(before),
        "closing the cache closed its HTTP connections and ended the blocked request");
  }

  @Test
  void aFailFastCreateInterruptedWhileConnectingThrowsAndKeepsTheInterrupt() throws Exception {
    emulator.latency(Duration.ofSeconds(1));
    WorkspaceClient client = env.client();
    CompletableFuture<LakebasePool> created = new CompletableFuture<>();
    AtomicBoolean interrupted =
        new AtomicBoolean();
    Thread creator = new Thread(() -> {
      try {
        created.complete(LakebasePool.create(config().failFast(true).build(), client));
      } catch (Throwable t) {
        interrupted.set(Thread.currentThread().isInterrupted());
        created.completeExceptionally(t);
      }
    }, "pool-lifecycle-creator");
    creator.start();
    await(() -> emulator.credentialCalls() == 1,
        "the first credential was requested");
    creator.interrupt();
    Exception e = assertThrows(Exception.class, () -> created.get(5, TimeUnit.SECONDS));
    assertInstanceOf(LakebaseException.class, e.getCause(), String.valueOf(e.getCause()));
    assertTrue(interrupted.get(), "create() stopped waiting and kept the interrupt");
  }
}
