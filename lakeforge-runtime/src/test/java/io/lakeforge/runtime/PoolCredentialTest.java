package io.lakeforge.runtime;

import static io.lakeforge.testing.DatabricksEmulator.Fault.MALFORMED;
import static io.lakeforge.testing.DatabricksEmulator.Fault.STATUS_429;
import static io.lakeforge.testing.DatabricksEmulator.Fault.STATUS_500;
import static io.lakeforge.testing.DatabricksEmulator.Fault.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.LogCapture;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool against a real PostgreSQL that checks SCRAM passwords and the real SDK against the
 * emulator, which makes each minted credential the role's password and rotates it on expiry.
 */
class PoolCredentialTest {

  /**
   * Held for LogCapture, which raises this logger's level: java.util.logging keeps loggers only
   * weakly, and a collected one comes back without the level.
   */
  private static final Logger LAKEFORGE_LOGS =
      Logger.getLogger("io.lakeforge");

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private LakebasePool pool(LakebaseConfig.Builder config) {
    LakebasePool pool = LakebasePool.create(config.build(), env.client());
    open.add(pool);
    return pool;
  }

  /** Waits up to 10 s for a background effect; fails with {@code what} otherwise. */
  static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  private static String currentUser(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select current_user")) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void aNewPhysicalConnectionLogsInWithALiveMintedCredential() throws SQLException {
    LakebasePool pool = pool(env.config());
    try (Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
    }
    assertEquals(1, emulator.credentialCalls());
    assertEquals(1, pool.stats().credentialRefreshes());
  }

  @Test
  void theServerReallyChecksPasswords() {
    Properties p = new Properties();
    p.setProperty("user", TestLakebase.ROLE);
    p.setProperty("password", "not-a-minted-credential");
    SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + env.port() + "/" + TestLakebase.DATABASE, p));
    assertEquals("28P01", e.getSQLState());
  }

  @Test
  void thirtyTwoConcurrentOpensMakeOneApiCall() throws Exception {
    emulator.latency(Duration.ofMillis(300));
    LakebasePool pool = pool(env.config().maxSize(32));
    ExecutorService threads = Executors.newFixedThreadPool(32);
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch opened = new CountDownLatch(32);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<String>> users = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      users.add(threads.submit(() -> {
        start.await();
        try (Connection c = pool.getConnection()) {
          opened.countDown();
          String user = currentUser(c);
          release.await();
          return user;
        }
      }));
    }
    start.countDown();
    assertTrue(opened.await(30, TimeUnit.SECONDS), "all 32 connections opened");
    assertEquals(32, pool.stats().connectionsCreated());
    release.countDown();
    for (Future<String> user : users) {
      assertEquals(TestLakebase.ROLE, user.get());
    }
    threads.shutdown();
    assertEquals(1, emulator.credentialCalls());
  }

  @Test
  void theCredentialIsRefreshedAheadOfItsExpiry() throws Exception {
    emulator.tokenLifetime(Duration.ofSeconds(4));
    LakebasePool pool = pool(env.config().refreshMargin(Duration.ofSeconds(1)));
    Connection first = pool.getConnection();
    Connection second = pool.getConnection();
    assertEquals(1, emulator.credentialCalls(), "a fresh credential is reused");
    Thread.sleep(3_200); // less than 1 s of validity left, not yet expired
    try (Connection third = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(third));
    }
    awaitTrue(() -> emulator.credentialCalls() == 2, "refreshed in the background before expiry");
    assertEquals(0, emulator.rotations(), "the old credential had not expired yet");
    first.close();
    second.close();
  }

  @Test
  void afterRotationNewConnectionsSucceedAndOpenOnesKeepWorking() throws Exception {
    emulator.tokenLifetime(Duration.ofSeconds(2));
    LakebasePool pool = pool(env.config());
    try (Connection held = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(held));
      Thread.sleep(2_600);
      assertTrue(emulator.rotations() >= 1, "the emulator rotated the expired password");
      assertEquals(TestLakebase.ROLE, currentUser(held), "an open connection outlives its credential");
      try (Connection fresh = pool.getConnection()) {
        assertEquals(TestLakebase.ROLE, currentUser(fresh));
      }
    }
    assertEquals(2, emulator.credentialCalls());
  }

  @Test
  void transientApiFaultsAreRetried() throws SQLException {
    emulator.failNext(STATUS_429, STATUS_500, MALFORMED);
    LakebasePool pool = pool(env.config());
    try (Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
    }
    assertEquals(4, emulator.credentialCalls());
    assertEquals(4, pool.stats().credentialApiCalls());
    assertEquals(0, pool.stats().credentialFailures());
  }

  @Test
  void retriesBackOffExponentially() throws SQLException {
    emulator.failNext(STATUS_429, STATUS_429, STATUS_429);
    // Full jitter between half and all of 300, 600 and 1200 ms: 1,050 to 2,100 ms in all (a
    // schedule one doubling ahead would wait at least 4,200 ms).
    LakebaseDataSource source = LakebaseDataSource.create(env.config().apiAttempts(4)
        .apiBackoff(Duration.ofMillis(300)).build(), env.client());
    open.add(source);
    long start = System.nanoTime();
    source.getConnection().close();
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(took >= 1_050, "backed off for " + took + " ms");
    assertTrue(took < 4_000, "backed off for " + took + " ms");
    assertEquals(4, emulator.credentialCalls());
  }

  @Test
  void callsThatNeverAnswerAreReportedAsTimeouts() {
    emulator.failNext(TIMEOUT, TIMEOUT);
    emulator.timeoutDelay(Duration.ofSeconds(3));
    LakebaseDataSource source = LakebaseDataSource.create(env.config().apiAttempts(2)
        .apiTimeout(Duration.ofMillis(500)).build(), env.client());
    open.add(source);
    SQLException e = assertThrows(SQLException.class, source::getConnection);
    assertTrue(e.getMessage().contains("after 2 attempts (last: no answer within 500 ms)"),
        e.getMessage());
  }

  @Test
  void aFailFastPoolHasItsFirstCredentialAndConnectionBeforeCreateReturns() {
    emulator.latency(Duration.ofMillis(300));
    LakebasePool pool = pool(env.config().failFast(true));
    assertEquals(1, pool.stats().credentialRefreshes(), "fetched at start, ready for a burst");
    assertEquals(1, pool.stats().idle(), "the first connection waits in the pool");
  }

  @Test
  void aHungCallIsCutByTheHardTimeoutAndRetried() throws SQLException {
    emulator.failNext(TIMEOUT);
    emulator.timeoutDelay(Duration.ofSeconds(5));
    LakebasePool pool = pool(env.config().apiTimeout(Duration.ofMillis(500)));
    try (Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
    }
    assertEquals(2, emulator.credentialCalls());
  }

  @Test
  void persistentFaultsEndInAClearExceptionAfterBoundedRetries() {
    emulator.failNext(STATUS_429, STATUS_429, STATUS_500, STATUS_429, STATUS_429);
    LakebasePool pool = pool(env.config().apiAttempts(4));
    SQLException e = assertThrows(SQLException.class, pool::getConnection);
    assertEquals(4, emulator.credentialCalls(), "exactly apiAttempts calls");
    assertTrue(e.getMessage().contains("Could not obtain a Lakebase credential for " + TestLakebase.ENDPOINT
        + " after 4 attempts (last: HTTP 429 RESOURCE_EXHAUSTED)"), e.getMessage());
    assertTrue(e.getMessage().contains("Connections already open keep working"), e.getMessage());
    assertEquals(1, pool.stats().credentialFailures());
  }

  @Test
  void anApiOutageWithAValidCachedCredentialStillOpensConnections() throws Exception {
    emulator.tokenLifetime(Duration.ofSeconds(6));
    LakebasePool pool = pool(env.config().refreshMargin(Duration.ofSeconds(3)).apiAttempts(2));
    Connection first = pool.getConnection();
    Thread.sleep(3_300); // due for refresh, still valid for ~2.7 s
    LogCapture logs = new LogCapture();
    open.add(logs);
    emulator.failNext(STATUS_500, STATUS_500, STATUS_500, STATUS_500);
    try (Connection second = pool.getConnection(); Connection third = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(second));
      assertEquals(TestLakebase.ROLE, currentUser(third));
    }
    awaitTrue(() -> pool.stats().credentialFailures() == 1, "one failed background refresh");
    // The failure is counted just before it is logged.
    awaitTrue(() -> logs.text().contains(pool.name() + ": refreshing the credential failed (Could"
        + " not obtain a Lakebase credential for " + TestLakebase.ENDPOINT + " after 2 attempts"
        + " (last: HTTP 500 INTERNAL_ERROR)."), "the failed refresh is logged");
    assertTrue(logs.text().contains("the cached one stays in use until it expires at "),
        logs.text());
    try (Connection fourth = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(fourth), "still the cached credential");
    }
    Thread.sleep(300);
    assertEquals(1, pool.stats().credentialFailures(), "one failed refresh, then a pause");
    assertEquals(3, emulator.credentialCalls(), "1 mint + 2 attempts of the failed refresh");
    first.close();
  }

  @Test
  void aRejectedPasswordIsRetriedOnceWithAFreshCredential() throws Exception {
    LakebasePool pool = pool(env.config());
    Connection first = pool.getConnection();
    emulator.revokeCurrent();
    try (Connection second = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(second));
    }
    assertEquals(2, emulator.credentialCalls());
    first.close();
  }

  @Test
  void perConnectionModeMintsForEveryPhysicalConnection() throws SQLException {
    LakebasePool pool = pool(env.config().credentialMode(CredentialMode.PER_CONNECTION));
    List<Connection> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(pool.getConnection());
    }
    for (Connection c : held) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
      c.close();
    }
    assertEquals(5, emulator.credentialCalls());
    try (Connection reused = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(reused));
    }
    assertEquals(5, emulator.credentialCalls(), "a pooled connection needs no credential");
  }

  @Test
  void theCallerAfterMaxWaitingFailsAtOnce() throws Exception {
    LakebasePool pool = pool(env.config().maxSize(1).maxWaiting(2)
        .acquisitionTimeout(Duration.ofSeconds(20)));
    Connection held = pool.getConnection();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<String>> waiters = startWaiters(pool, threads, 2);
    assertEquals(2, pool.stats().waiting());
    PoolExhaustedException e = assertThrows(PoolExhaustedException.class, pool::getConnection);
    assertTrue(e.getMessage().contains("2 callers are already waiting for a connection (maxWaiting)"),
        e.getMessage());
    assertTrue(e.getMessage().startsWith(pool.name()), e.getMessage());
    held.close();
    for (Future<String> w : waiters) {
      assertEquals(TestLakebase.ROLE, w.get(20, TimeUnit.SECONDS));
    }
    threads.shutdown();
  }

  @Test
  void withoutPoolMetricsMaxWaitingCountsCallersInsideGetConnection() throws Exception {
    LakebasePool pool = pool(env.config().maxSize(1).maxWaiting(1).poolMetrics(false)
        .acquisitionTimeout(Duration.ofSeconds(20)));
    Connection held = pool.getConnection();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<String>> waiters = startWaiters(pool, threads, 2);
    assertEquals(2, pool.stats().waiting(), "maxWaiting + maxSize callers may wait");
    assertThrows(PoolExhaustedException.class, pool::getConnection);
    held.close();
    for (Future<String> w : waiters) {
      assertEquals(TestLakebase.ROLE, w.get(20, TimeUnit.SECONDS));
    }
    threads.shutdown();
  }

  /** Starts callers that block in getConnection() and returns once the pool reports them waiting. */
  private static List<Future<String>> startWaiters(LakebasePool pool, ExecutorService threads, int n)
      throws InterruptedException {
    List<Future<String>> waiters = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      waiters.add(threads.submit(() -> {
        try (Connection c = pool.getConnection()) {
          return currentUser(c);
        }
      }));
    }
    for (int i = 0; i < 200 && pool.stats().waiting() < n; i++) {
      Thread.sleep(25);
    }
    return waiters;
  }

  @Test
  void brokenConnectionsAreDetectedAndReplaced() throws Exception {
    LakebasePool pool = pool(env.config().maxSize(2).idleValidation(Duration.ofMillis(1)));
    try (Connection c = pool.getConnection()) {
      currentUser(c);
    }
    assertEquals(1, env.terminateSessions());
    Thread.sleep(50);
    try (Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c), "the dead connection was not lent out");
    }
    assertEquals(2, pool.stats().connectionsCreated());
  }

  @Test
  void aConnectionThatFailsFatallyIsEvicted() throws Exception {
    LakebasePool pool = pool(env.config().maxSize(1));
    try (Connection c = pool.getConnection()) {
      currentUser(c);
      env.terminateSessions();
      assertThrows(SQLException.class, () -> currentUser(c));
    }
    try (Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
    }
    assertEquals(2, pool.stats().connectionsCreated());
  }

  @Test
  void closeLeavesNoSessionOnTheServer() throws Exception {
    String app = TestLakebase.applicationName("close-sessions");
    LakebasePool pool = LakebasePool.create(env.config().maxSize(4)
        .set(LakebaseSettings.APPLICATION_NAME, app).build(), env.client());
    List<Connection> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(pool.getConnection());
    }
    held.get(0).close();
    held.get(1).close();
    assertEquals(4, env.sessions(app));
    pool.close();
    held.forEach(c -> {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Closing a connection of a closed pool may complain; the server side is what counts.
      }
    });
    assertEquals(0, env.sessionsAfterClose(app));
  }

  @Test
  void theUserDefaultsToTheCurrentDatabricksIdentity() throws SQLException {
    LakebasePool pool = pool(env.config().user(null));
    try (Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
    }
    assertEquals(1, emulator.meCalls());
  }

  @Test
  void theHostIsLookedUpFromTheEndpointWhenUnset() throws SQLException {
    LakebasePool pool = pool(env.config().host(null));
    try (Connection c = pool.getConnection()) {
      assertEquals(TestLakebase.ROLE, currentUser(c));
    }
    assertEquals(1, emulator.endpointCalls());
  }

  @Test
  void theCredentialStatusCountsRetriesAndKeepsTheLastFailureWithoutACredential() {
    // An endpoint of its own, so a fresh credential cache (see PoolLifecycleTest).
    String id = PoolLifecycleTest.freshId();
    String endpoint = PoolLifecycleTest.endpointOf(id);
    emulator.failNext(STATUS_429, STATUS_500);
    LakebaseDataSource source = LakebaseDataSource.create(env.config().endpoint(endpoint)
        .apiAttempts(2).build(), env.client());
    open.add(source);
    SQLException e = assertThrows(SQLException.class, source::getConnection);
    assertEquals("lakebase[lakeforge-main/dev/" + id + "]: could not open a connection: Could not"
        + " obtain a Lakebase credential for " + endpoint + " after 2 attempts (last: HTTP 500"
        + " INTERNAL_ERROR). Connections already open keep working; new ones need the Databricks"
        + " API to answer.", e.getMessage());
    LakebaseCredentialStatus status = source.credentialStatus();
    assertEquals(0, status.refreshes());
    assertEquals(1, status.failures());
    assertEquals(2, status.apiCalls());
    assertEquals(1, status.apiRetries(), "the second call of the failed refresh");
    assertEquals(null, status.mintedAt());
    assertEquals(null, status.expireTime());
    assertTrue(status.lastFailure().contains("after 2 attempts (last: HTTP 500"),
        status.lastFailure());
    assertTrue(status.lastFailureAt() != null);
  }

  @Test
  void eachRetryOfTheApiIsLoggedWithItsReason() throws SQLException {
    String endpoint = PoolLifecycleTest.endpointOf(PoolLifecycleTest.freshId());
    emulator.failNext(STATUS_429);
    try (LogCapture logs = new LogCapture("io.lakeforge")) {
      LakebasePool pool = pool(env.config().endpoint(endpoint));
      pool.getConnection().close();
      assertTrue(logs.text().contains("Retrying request for a Lakebase credential for "
          + endpoint + " after: HTTP 429 RESOURCE_EXHAUSTED"), logs.text());
    }
    assertEquals(2, emulator.credentialCalls());
  }

  @Test
  void aCallerInterruptedWhileWaitingForTheCredentialStopsAndKeepsItsInterrupt() throws Exception {
    emulator.latency(Duration.ofSeconds(2));
    // The data source requests its first credential on first use, on the caller's behalf.
    LakebaseDataSource source = LakebaseDataSource.create(env.config()
        .endpoint(PoolLifecycleTest.endpointOf(PoolLifecycleTest.freshId())).build(), env.client());
    open.add(source);
    CompletableFuture<SQLException> failure = new CompletableFuture<>();
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      try {
        source.getConnection().close();
        failure.complete(null);
      } catch (SQLException e) {
        interrupted.set(Thread.currentThread().isInterrupted());
        failure.complete(e);
      }
    }, "credential-test-caller");
    caller.start();
    awaitTrue(() -> emulator.credentialCalls() == 1, "the credential request reached the API");
    caller.interrupt();
    SQLException e = failure.get(5, TimeUnit.SECONDS);
    assertTrue(e.getMessage().contains("interrupted while waiting for a Lakebase credential"),
        e.getMessage());
    assertTrue(interrupted.get(), "the caller's interrupt is kept");
  }

  @Test
  void anInterruptedCallerStartsNoLookup() {
    String endpoint = PoolLifecycleTest.endpointOf(PoolLifecycleTest.freshId());
    WorkspaceClient client = env.client();
    LakebaseConfig config = env.config().endpoint(endpoint).host(null).build();
    Thread.currentThread().interrupt();
    Throwable thrown = null;
    try {
      open.add(LakebasePool.create(config, client));
    } catch (Throwable t) {
      thrown = t;
    } finally {
      assertTrue(Thread.interrupted(), "the interrupt is left to the caller");
    }
    assertInstanceOf(LakebaseException.class, thrown);
    assertEquals("Interrupted while requesting the host of " + endpoint + ".", thrown.getMessage());
    assertEquals(0, emulator.endpointCalls());
  }

  @Test
  void aCallerInterruptedDuringALookupStopsWhenTheAnswerArrives() throws Exception {
    String endpoint = PoolLifecycleTest.endpointOf(PoolLifecycleTest.freshId());
    emulator.missingEndpoint(endpoint);
    emulator.endpointLatency(Duration.ofSeconds(1));
    WorkspaceClient client = env.client();
    LakebaseConfig config = env.config().endpoint(endpoint).host(null).build();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        LakebasePool.create(config, client).close();
        failure.complete(null);
      } catch (Throwable t) {
        failure.complete(t);
      }
    }, "lookup-test-caller");
    caller.start();
    awaitTrue(() -> emulator.endpointCalls() == 1, "the lookup reached the API");
    caller.interrupt();
    Throwable t = failure.get(5, TimeUnit.SECONDS);
    assertEquals(LakebaseException.class, t.getClass(), String.valueOf(t));
    assertEquals("Interrupted while requesting the host of " + endpoint + ".", t.getMessage(),
        "not the 404 that answered meanwhile");
    assertEquals(1, emulator.endpointCalls());
  }

  @Test
  void perConnectionModeMintsForConcurrentOpensInParallel() throws Exception {
    // Each request is allowed 30 s: a second call within the wait below is a second mint, not a
    // retry of the first.
    LakebasePool pool = pool(env.config().credentialMode(CredentialMode.PER_CONNECTION).maxSize(4)
        .apiTimeout(Duration.ofSeconds(30)));
    emulator.hang(true);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<String>> callers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      callers.add(threads.submit(() -> {
        try (Connection c = pool.getConnection()) {
          return currentUser(c);
        }
      }));
    }
    PoolLifecycleTest.await(() -> emulator.credentialCalls() == 2,
        "both mints under way at once, not one after the other");
    emulator.hang(false);
    for (Future<String> caller : callers) {
      assertEquals(TestLakebase.ROLE, caller.get(5, TimeUnit.SECONDS));
    }
    threads.shutdown();
  }
}
