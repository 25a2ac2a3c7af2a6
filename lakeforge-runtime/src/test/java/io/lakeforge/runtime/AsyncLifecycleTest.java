package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every stage of the async pool completes: on Errors, on close, after close, on cancel. */
class AsyncLifecycleTest {

  private final TestLakebase env = TestLakebase.get();

  @BeforeEach
  void reset() {
    env.emulator().reset();
  }

  private static Throwable failure(CompletableFuture<?> stage) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> stage.get(15, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void anErrorThrownByTheWorkCompletesItsStage() throws Exception {
    try (LakebaseAsyncPool pool = LakebaseAsyncPool.create(env.config().build(), env.client())) {
      CompletableFuture<Object> stage = pool.withConnection(c -> {
        throw new AssertionError("an Error from the work");
      }).toCompletableFuture();
      assertInstanceOf(AssertionError.class, failure(stage));
      CompletableFuture<Object> dsl = pool.withDsl(d -> {
        throw new StackOverflowError("another Error");
      }).toCompletableFuture();
      assertInstanceOf(StackOverflowError.class, failure(dsl));
    }
  }

  @Test
  void closeCompletesRunningAndQueuedStagesAndLeavesNoThread() throws Exception {
    Set<String> before = LivenessTest.lakeforgeThreads();
    String app = TestLakebase.applicationName("async-close");
    LakebaseAsyncPool pool = LakebaseAsyncPool.create(env.config().maxSize(1).maxWaiting(5)
        .set(LakebaseSettings.APPLICATION_NAME, app).build(), env.client());
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<String> busy = pool.<String>withConnection(c -> {
      running.countDown();
      try (Statement s = c.createStatement()) {
        s.execute("select pg_sleep(30)");
      }
      return "finished";
    }).toCompletableFuture();
    assertTrue(running.await(10, TimeUnit.SECONDS));
    for (int i = 0; i < 500 && sleeping(env.superuser()) == 0; i++) {
      Thread.sleep(20); // until the query runs on the server (slow on a loaded machine)
    }
    assertEquals(1, sleeping(env.superuser()), "the running work's query reached the server");
    List<CompletableFuture<String>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(pool.withConnection(c -> "ran").toCompletableFuture());
    }
    long start = System.nanoTime();
    pool.close();
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10, "close() is bounded");
    for (CompletableFuture<String> q : queued) {
      Throwable t = failure(q);
      assertInstanceOf(LakebaseClosedException.class, t);
      assertTrue(t.getMessage().contains("closed"), t.getMessage());
    }
    assertInstanceOf(LakebaseClosedException.class, failure(busy));
    assertEquals(Set.of(), LivenessTest.threadsLeftSince(before));
    assertEquals(0, env.sessionsAfterClose(app));
  }

  @Test
  void workSubmittedAfterCloseFailsAsClosed() throws Exception {
    LakebaseAsyncPool pool = LakebaseAsyncPool.create(env.config().build(), env.client());
    pool.close();
    Throwable t = failure(pool.withConnection(c -> "never").toCompletableFuture());
    assertInstanceOf(LakebaseClosedException.class, t);
    assertTrue(t.getMessage().contains("closed"), t.getMessage());
  }

  @Test
  void aGracefulCloseLetsRunningWorkFinish() throws Exception {
    LakebaseAsyncPool pool = LakebaseAsyncPool.create(env.config()
        .set(LakebaseSettings.CLOSE_GRACE, Duration.ofSeconds(10)).build(), env.client());
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<String> work = pool.withConnection(c -> {
      running.countDown();
      try (Statement s = c.createStatement()) {
        s.execute("select pg_sleep(0.5)");
      }
      return "finished";
    }).toCompletableFuture();
    assertTrue(running.await(10, TimeUnit.SECONDS));
    pool.close();
    assertEquals("finished", work.get(1, TimeUnit.SECONDS));
  }

  @Test
  void cancellingAStageStopsItsWorkOnTheServer() throws Exception {
    try (LakebaseAsyncPool pool = LakebaseAsyncPool.create(env.config().build(), env.client())) {
      CountDownLatch running = new CountDownLatch(1);
      CompletableFuture<Boolean> stage = pool.<Boolean>withConnection(c -> {
        running.countDown();
        try (Statement s = c.createStatement()) {
          return s.execute("select pg_sleep(30)");
        }
      }).toCompletableFuture();
      assertTrue(running.await(10, TimeUnit.SECONDS));
      Thread.sleep(200); // the query reached the server
      assertEquals(1, sleeping(env.superuser()));
      stage.cancel(true);
      int left = 1;
      for (int i = 0; i < 100 && left > 0; i++) {
        Thread.sleep(50);
        left = sleeping(env.superuser());
      }
      assertEquals(0, left, "the cancelled work no longer runs on the server");
    }
  }

  @Test
  void cancellingADslStageStopsItsQueryOnTheServer() throws Exception {
    try (LakebaseAsyncPool pool = LakebaseAsyncPool.create(env.config().build(), env.client())) {
      CountDownLatch running = new CountDownLatch(1);
      CompletableFuture<Object> stage = pool.withDsl(dsl -> {
        running.countDown();
        return dsl.fetchValue("select pg_sleep(30)");
      }).toCompletableFuture();
      assertTrue(running.await(10, TimeUnit.SECONDS));
      for (int i = 0; i < 200 && sleeping(env.superuser()) == 0; i++) {
        Thread.sleep(25); // until the query reached the server
      }
      assertEquals(1, sleeping(env.superuser()));
      stage.cancel(true);
      int left = 1;
      for (int i = 0; i < 100 && left > 0; i++) {
        Thread.sleep(50);
        left = sleeping(env.superuser());
      }
      assertEquals(0, left, "the cancelled jOOQ query no longer runs on the server");
      try (Connection c = pool.pool().getConnection()) {
        assertTrue(c.isValid(2), "the pool still serves");
      }
    }
  }

  private static int sleeping(DataSource superuser) throws SQLException {
    try (Connection c = superuser.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from pg_stat_activity where usename = '"
            + TestLakebase.ROLE + "' and query like 'select pg_sleep(30)%' and state = 'active'")) {
      r.next();
      return r.getInt(1);
    }
  }
}
