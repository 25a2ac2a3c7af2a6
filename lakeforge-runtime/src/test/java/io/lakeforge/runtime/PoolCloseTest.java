package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing a pool while a borrowed connection runs a long query ends the query and its session. */
class PoolCloseTest {

  private final TestLakebase env = TestLakebase.get();

  @Test
  void closeCancelsTheQueryOfABorrowedConnectionAndLeavesNoSession() throws Exception {
    Set<String> before = LivenessTest.lakeforgeThreads();
    String app = TestLakebase.applicationName("pool-close");
    LakebasePool pool = LakebasePool.create(
        env.config().set(LakebaseSettings.APPLICATION_NAME, app).build(), env.client());
    Connection borrowed = pool.getConnection();
    CompletableFuture<Void> query = CompletableFuture.runAsync(() -> {
      try (Statement s = borrowed.createStatement()) {
        s.execute("select pg_sleep(60)");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(1, sessionsAfter(app, "state = 'active' and query like 'select pg_sleep%'", 1),
        "the query runs");
    long start = System.nanoTime();
    pool.close();
    assertEquals(0, sessionsAfter(app, "true", 0), "the session of the borrowed connection ended");
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10,
        "the query did not run on to its end");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> query.get(10, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertEquals(Set.of(), LivenessTest.threadsLeftSince(before), "no cancel or pool thread left");
  }

  /** This pool's sessions matching {@code where}, polled for up to 5 s until there are {@code expected}. */
  private int sessionsAfter(String app, String where, int expected) throws Exception {
    int n = -1;
    for (int i = 0; i < 200 && n != expected; i++) {
      if (i > 0) {
        Thread.sleep(25);
      }
      try (Connection c = env.superuser().getConnection();
          PreparedStatement s = c.prepareStatement("select count(*) from pg_stat_activity"
              + " where application_name = ? and " + where)) {
        s.setString(1, app);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          n = r.getInt(1);
        }
      }
    }
    return n;
  }
}
