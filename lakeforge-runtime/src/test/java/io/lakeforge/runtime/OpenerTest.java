package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.LogCapture;
import io.lakeforge.testing.TcpProxy;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Opening one physical connection, through a pool: the 28P01 retry (exactly one, with a new
 * credential), a compute that is starting up (retried with a growing pause within the budget),
 * a login that outlasts the budget, and the session set-up after the login.
 */
class OpenerTest {

  /**
   * Held for LogCapture, which raises this logger's level: java.util.logging keeps loggers only
   * weakly, and a collected one comes back without the level.
   */
  private static final Logger LAKEFORGE_LOGS =
      Logger.getLogger("io.lakeforge");

  /** A database whose role defaults differ from PostgreSQL's, to see what the pool sets. */
  private static final String DATABASE = "opener_settings";
  /** A role PostgreSQL does not know: every password is rejected with 28P01. */
  private static final String UNKNOWN = "nobody@example.com";

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private final List<AutoCloseable> open = new ArrayList<>();
  /** This test's own endpoint and application name (see PoolLifecycleTest). */
  private final String id = PoolLifecycleTest.freshId();
  private final String application = "opener-" + id;

  @BeforeAll
  static void roleDefaults() throws SQLException {
    TestLakebase env = TestLakebase.get();
    try (Connection c = env.superuser().getConnection(); Statement s = c.createStatement()) {
      // Idempotent: PIT runs each test on its own, with this method before every one.
      try (ResultSet r = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE
          + "'")) {
        if (!r.next()) {
          s.execute("create database " + DATABASE);
        }
      }
      String role = "alter role \"" + TestLakebase.ROLE + "\" in database " + DATABASE;
      s.execute(role + " set statement_timeout = '42s'");
      s.execute(role + " set idle_in_transaction_session_timeout = '43s'");
    }
  }

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    open.add(c);
    return c;
  }

  private LakebaseConfig.Builder config() {
    return env.config().endpoint(PoolLifecycleTest.endpointOf(id))
        .set(LakebaseSettings.APPLICATION_NAME, application);
  }

  private LakebasePool pool(LakebaseConfig.Builder config) {
    return closeLater(LakebasePool.create(config.build(), env.client()));
  }

  private static String value(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void aPasswordThatKeepsBeingRejectedIsRetriedExactlyOnceWithANewCredential() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    LakebasePool pool = pool(config().port(proxy.port()).user(UNKNOWN)
        .acquisitionTimeout(Duration.ofSeconds(3)));
    assertEquals(0, emulator.credentialCalls(), "failFast=false: nothing fetched before a borrow");
    SQLException e;
    try (LogCapture logs = new LogCapture()) {
      e = assertThrows(SQLException.class, pool::getConnection);
      assertEquals(1, occurrences(logs.text(), pool.name() + ": PostgreSQL rejected the credential"
          + " (28P01); retrying once with a new one"), logs.text());
    }
    assertEquals("28P01", e.getSQLState(), e.getMessage());
    assertEquals(2, proxy.accepted(), "one login, one retry");
    assertEquals(2, emulator.credentialCalls(),
        "the rejected credential was dropped for a new one");
  }

  @Test
  void aComputeThatIsStartingUpIsRetriedUntilItAcceptsTheLogin() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    proxy.answerStartingUp(2);
    LakebasePool pool = pool(config().port(proxy.port()));
    try (LogCapture logs = new LogCapture("io.lakeforge")) {
      try (Connection c = pool.getConnection()) {
        assertEquals(TestLakebase.ROLE, value(c, "select current_user"));
      }
      assertEquals(2, occurrences(logs.text(), pool.name() + ": the endpoint is not accepting"
          + " connections yet (57P03); retrying"), logs.text());
    }
    assertEquals(3, proxy.accepted(), "two 57P03 answers, then the login");
    assertEquals(1, emulator.credentialCalls(), "the same credential for every attempt");
  }

  @Test
  void aComputeThatStaysStartingUpIsRetriedWithAGrowingPauseUntilTheBudgetEnds() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    proxy.answerStartingUp(Integer.MAX_VALUE);
    LakebasePool pool = pool(config().port(proxy.port())
        .acquisitionTimeout(Duration.ofSeconds(2)));
    SQLException e = assertThrows(SQLException.class, pool::getConnection);
    assertTrue(Set.of("57P03", "08001").contains(e.getSQLState()),
        e.getSQLState() + ": " + e.getMessage());
    // Pauses of 50, 100, 200, 400 and 800 ms fit into 2 s, the next (1 s) does not: at most six
    // attempts however fast the machine, at least two however slow.
    int attempts = proxy.accepted();
    assertTrue(attempts >= 2 && attempts <= 6, attempts + " attempts");
  }

  @Test
  void anInterruptedCallerStopsRetryingAndKeepsItsInterrupt() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    proxy.answerStartingUp(Integer.MAX_VALUE);
    LakebasePool pool = pool(config().port(proxy.port())
        .acquisitionTimeout(Duration.ofSeconds(10)));
    CompletableFuture<SQLException> failure = new CompletableFuture<>();
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      try {
        pool.getConnection().close();
        failure.complete(null);
      } catch (SQLException e) {
        interrupted.set(Thread.currentThread().isInterrupted());
        failure.complete(e);
      }
    }, "opener-test-caller");
    caller.start();
    PoolLifecycleTest.await(() -> proxy.accepted() >= 2, "the caller is retrying");
    caller.interrupt();
    SQLException e = failure.get(5, TimeUnit.SECONDS);
    assertEquals("Interrupted while opening a connection.", e.getMessage());
    assertEquals("08001", e.getSQLState());
    assertTrue(interrupted.get(), "the caller's interrupt is kept");
  }

  @Test
  void aLoginThatOutlastsTheBudgetFailsNamingTheBudgetAndWhatWentWrong() throws Exception {
    TcpProxy proxy = closeLater(new TcpProxy(env.port()));
    proxy.blackHole(true);
    LakebasePool pool = pool(config().port(proxy.port())
        .acquisitionTimeout(Duration.ofSeconds(1)));
    SQLException e = assertThrows(SQLException.class, pool::getConnection);
    assertEquals("08001", e.getSQLState());
    SQLException cause = assertInstanceOf(SQLException.class, e.getCause());
    assertEquals(pool.name() + ": could not open a connection within the acquisition timeout"
        + " (1000 ms): " + cause.getMessage(), e.getMessage());
    assertEquals(1, proxy.accepted(), "the login read waited out the budget once");
  }

  @Test
  void sessionTimeoutsLeaveTheServerDefaultsUnlessSet() throws Exception {
    LakebasePool defaults = pool(config().database(DATABASE));
    try (Connection c = defaults.getConnection()) {
      assertEquals("42s", value(c, "show statement_timeout"));
      assertEquals("43s", value(c, "show idle_in_transaction_session_timeout"));
      assertEquals(0, c.getNetworkTimeout(), "no read timeout on a borrowed connection by default");
    }
    LakebasePool set = pool(config().database(DATABASE)
        .set(LakebaseSettings.STATEMENT_TIMEOUT, Duration.ofMillis(7_500))
        .set(LakebaseSettings.IDLE_IN_TRANSACTION_TIMEOUT, Duration.ofSeconds(20))
        .set(LakebaseSettings.SOCKET_TIMEOUT, Duration.ofSeconds(90)));
    try (Connection c = set.getConnection()) {
      assertEquals("7500ms", value(c, "show statement_timeout"));
      assertEquals("20s", value(c, "show idle_in_transaction_session_timeout"));
      assertEquals(90_000, c.getNetworkTimeout(), "the configured read timeout after the login");
    }
  }

  @Test
  void aSessionSettingTheServerRefusesFailsTheLoginAndClosesTheSession() throws Exception {
    LakebasePool pool = pool(config()
        .set(LakebaseSettings.STATEMENT_TIMEOUT, Duration.ofDays(30)));
    SQLException e = assertThrows(SQLException.class, pool::getConnection);
    assertEquals("22023", e.getSQLState(), e.getMessage());
    assertTrue(e.getMessage().contains("statement_timeout"), e.getMessage());
    assertEquals(0, PoolLifecycleTest.sessionsAfterClose(env, application),
        "the session that could not be set up was closed");
  }
}
