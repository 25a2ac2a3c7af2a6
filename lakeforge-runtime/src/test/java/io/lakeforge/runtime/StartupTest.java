package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Creating a pool while the Databricks API hangs: creation and the first borrow together stay
 * within one acquisition budget, whichever startup mode is chosen, and leave no thread behind.
 * Budgets are 2 s; the slack covers pgjdbc's whole-second timeouts and a busy machine.
 */
class StartupTest {

  private static final Duration BUDGET = Duration.ofSeconds(2);
  private static final long SLACK_MS = 1_500;

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  @BeforeEach
  @AfterEach
  void reset() {
    emulator.reset();
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private LakebaseConfig.Builder config() {
    return env.config().acquisitionTimeout(BUDGET).apiTimeout(Duration.ofSeconds(60));
  }

  @Test
  void failFastIsTheDefaultAndReadFromTheEnvironment() {
    assertTrue(LakebaseConfig.builder().build().failFast());
    assertFalse(LakebaseConfig.fromEnvironment(Map.of("LAKEBASE_FAIL_FAST", "false")).failFast());
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.fromEnvironment(Map.of("LAKEBASE_FAIL_FAST", "sometimes")));
    assertEquals("LAKEBASE_FAIL_FAST", e.variable());
  }

  @Test
  void aFailFastCreateWithAHungApiThrowsWithinTheBudgetNamingTheSetting() throws Exception {
    Set<String> before = LivenessTest.lakeforgeThreads();
    emulator.hang(true);
    long start = System.nanoTime();
    LakebaseException e = assertThrows(LakebaseException.class,
        () -> LakebasePool.create(config().failFast(true).build(), env.client()));
    long took = millisSince(start);
    assertTrue(took < BUDGET.toMillis() + SLACK_MS, "create() took " + took + " ms");
    assertTrue(e.getMessage().contains("no Lakebase credential within the acquisition timeout"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("set failFast=false (LAKEBASE_FAIL_FAST=false)."),
        e.getMessage());
    assertInstanceOf(SQLException.class, e.getCause());
    emulator.hang(false);
    assertEquals(Set.of(), LivenessTest.threadsLeftSince(before), "the failed pool was closed");
  }

  @Test
  void aFailFastCreateThatMustLookUpTheEndpointKeepsTheSameBudget() throws Exception {
    Set<String> before = LivenessTest.lakeforgeThreads();
    emulator.hang(true);
    long start = System.nanoTime();
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> LakebasePool.create(config().host(null).user(null).failFast(true).build(),
            env.client()));
    long took = millisSince(start);
    assertTrue(took < BUDGET.toMillis() + SLACK_MS, "create() took " + took + " ms: " + e);
    assertTrue(e.getMessage().contains("within the acquisition timeout"), e.getMessage());
    emulator.hang(false);
    assertEquals(Set.of(), LivenessTest.threadsLeftSince(before));
  }

  @Test
  void aLazyCreateReturnsAtOnceAndItsFirstBorrowFailsWithinTheBudget() throws Exception {
    Set<String> before = LivenessTest.lakeforgeThreads();
    emulator.hang(true);
    long start = System.nanoTime();
    try (LakebasePool pool = LakebasePool.create(config().failFast(false).build(), env.client())) {
      long created = millisSince(start);
      assertTrue(created < SLACK_MS, "create() took " + created + " ms without connecting");
      SQLException e = assertThrows(SQLException.class, pool::getConnection);
      long took = millisSince(start);
      assertTrue(took < BUDGET.toMillis() + SLACK_MS, "create and first borrow: " + took + " ms");
      assertEquals("08001", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("no Lakebase credential within the acquisition timeout"),
          e.getMessage());
    }
    emulator.hang(false);
    assertEquals(Set.of(), LivenessTest.threadsLeftSince(before));
  }

  @Test
  void aFailFastPoolServesItsFirstCallerFromTheConnectionItOpened() throws SQLException {
    try (LakebasePool pool = LakebasePool.create(config().failFast(true).build(), env.client())) {
      assertEquals(1, pool.stats().connectionsCreated());
      try (Connection c = pool.getConnection()) {
        assertTrue(c.isValid(2));
      }
      assertEquals(1, pool.stats().connectionsCreated(), "no second login for the first caller");
    }
  }
}
