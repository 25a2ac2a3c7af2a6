package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.LogCapture;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator sees each change of the credential's state once: refresh failing (with or without a
 * usable cached credential) at WARNING, recovered at INFO; repeated failures in the same state add
 * no line, and no line carries a secret. Waits are for the fixed 5 s pause between refreshes.
 */
class RefreshLoggingTest {

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  @BeforeEach
  @AfterEach
  void reset() {
    emulator.reset();
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  /** Borrows until a borrow meets a new refresh (the pause over), failing or not. */
  private static void borrowAfterThePause(LakebasePool pool, long failuresBefore,
      boolean expectFailure) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Connection c = pool.getConnection()) {
        assertTrue(!expectFailure, "a connection while minting is stopped");
        return;
      } catch (SQLException e) {
        if (expectFailure && pool.credentialStatus().failures() > failuresBefore) {
          return;
        }
        assertTrue(System.nanoTime() < deadline, "no new refresh within 30 s: " + e);
        Thread.sleep(250);
      }
    }
  }

  @Test
  void failingAndRecoveredAreEachLoggedOnce() throws Exception {
    try (LogCapture logs = new LogCapture();
        LakebasePool pool = LakebasePool.create(env.config().apiAttempts(1).build(),
            env.client())) {
      emulator.stopMinting(true);
      assertThrows(SQLException.class, pool::getConnection);
      borrowAfterThePause(pool, 1, true); // a second failed refresh, same state
      assertEquals(2, pool.credentialStatus().failures());
      String failing = pool.name() + ": refreshing the credential failed (";
      assertEquals(1, occurrences(logs.text(), failing), logs.text());
      assertTrue(logs.text().contains("no valid credential, so new connections fail until the"
          + " Databricks API answers"), logs.text());
      assertTrue(logs.text().contains("WARNING"), logs.text());

      emulator.stopMinting(false);
      borrowAfterThePause(pool, 2, false);
      assertEquals(1, occurrences(logs.text(), pool.name() + ": the credential refresh recovered"
          + " after 2 failed attempts."), logs.text());
      assertEquals(1, occurrences(logs.text(), failing), "no new warning once recovered");
      for (String secret : emulator.secrets()) {
        assertTrue(!logs.text().contains(secret), "no secret in the log");
      }
      assertTrue(logs.text().contains(TestLakebase.ENDPOINT) || logs.text().contains(pool.name()));
    }
  }
}
