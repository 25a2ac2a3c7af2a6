package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing a pool while a borrowed connection runs a long query ends the query and its session. */
class PoolCloseTest {

  private final TestLakebase env = TestLakebase.get();

  @Test
  void closeCancelsTheQueryOfABorrowedConnectionAndLeavesNoSession() throws Exception {
    LakebasePool pool = LakebasePool.create(env.config().build(), env.client());
    Connection borrowed = pool.getConnection();
    CompletableFuture<Void> query = CompletableFuture.runAsync(() -> {
      try (Statement s = borrowed.createStatement()) {
        s.execute("select pg_sleep(60)");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    waitForActiveQuery();
    long start = System.nanoTime();
    pool.close();
    assertEquals(0, env.sessionsAfterClose(), "the session of the borrowed connection ended");
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10,
        "the query did not run on to its end");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> query.get(10, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  private void waitForActiveQuery() throws Exception {
    for (int i = 0; i < 200; i++) {
      try (Connection c = env.superuser().getConnection(); Statement s = c.createStatement();
          var r = s.executeQuery("select count(*) from pg_stat_activity where state = 'active'"
              + " and query like 'select pg_sleep%'")) {
        r.next();
        if (r.getInt(1) == 1) {
          return;
        }
      }
      Thread.sleep(25);
    }
    throw new AssertionError("the query never started");
  }
}
