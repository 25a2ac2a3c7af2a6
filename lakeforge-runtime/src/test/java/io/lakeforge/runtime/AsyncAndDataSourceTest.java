package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CompletionStage API and the DataSource adapter (under HikariCP). */
class AsyncAndDataSourceTest {

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  private static String currentUser(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select current_user")) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void asyncWorkRunsWithPooledConnections() throws Exception {
    try (LakebaseAsyncPool pool = LakebaseAsyncPool.create(env.config().build(), env.client())) {
      CompletionStage<String> jdbc = pool.withConnection(AsyncAndDataSourceTest::currentUser);
      CompletionStage<String> jooq =
          pool.withDsl(dsl -> dsl.fetchValue(DSL.currentUser()));
      CompletionStage<String> fetchAsync = pool.dsl()
          .resultQuery("select current_user").fetchAsync()
          .thenApply(r -> String.valueOf(r.get(0).getValue(0)));
      assertEquals(TestLakebase.ROLE, jdbc.toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals(TestLakebase.ROLE, jooq.toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals(TestLakebase.ROLE, fetchAsync.toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, emulator.credentialCalls());
  }

  @Test
  void asyncWorkBeyondMaxWaitingFailsAtOnce() throws Exception {
    LakebaseConfig config = env.config().maxSize(1).maxWaiting(1).build();
    try (LakebaseAsyncPool pool = LakebaseAsyncPool.create(config, env.client())) {
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletionStage<String> busy = pool.withConnection(c -> {
        running.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return currentUser(c);
      });
      assertTrue(running.await(10, TimeUnit.SECONDS));
      CompletionStage<String> queued = pool.withConnection(AsyncAndDataSourceTest::currentUser);
      CompletableFuture<String> rejected =
          pool.withConnection(AsyncAndDataSourceTest::currentUser).toCompletableFuture();
      ExecutionException e = assertThrows(ExecutionException.class, rejected::get);
      assertInstanceOf(PoolExhaustedException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("(maxWaiting)"), e.getCause().getMessage());
      release.countDown();
      assertEquals(TestLakebase.ROLE, busy.toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals(TestLakebase.ROLE, queued.toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void asyncFailuresCompleteTheStageExceptionally() {
    try (LakebaseAsyncPool pool = LakebaseAsyncPool.create(env.config().build(), env.client())) {
      CompletableFuture<Boolean> failed = pool.<Boolean>withConnection(c -> {
        try (Statement s = c.createStatement()) {
          return s.execute("select * from no_such_table");
        }
      }).toCompletableFuture();
      ExecutionException e = assertThrows(ExecutionException.class, failed::get);
      assertEquals("42P01", ((SQLException) e.getCause()).getSQLState());
    }
  }

  @Test
  void hikariPoolsConnectionsFromTheDataSourceAdapter() throws SQLException {
    try (LakebaseDataSource source = LakebaseDataSource.create(env.config().build(), env.client())) {
      HikariConfig hikari = new HikariConfig();
      hikari.setDataSource(source);
      hikari.setMaximumPoolSize(3);
      hikari.setMinimumIdle(0);
      hikari.setPoolName("hikari-over-lakeforge");
      try (HikariDataSource pool = new HikariDataSource(hikari)) {
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          held.add(pool.getConnection());
        }
        for (Connection c : held) {
          assertEquals(TestLakebase.ROLE, currentUser(c));
          c.close();
        }
      }
      assertEquals(1, emulator.credentialCalls(), "cached mode: one credential for three logins");
      assertEquals(1, source.stats().credentialRefreshes());
      long byHikari = source.stats().connectionsCreated();
      assertTrue(byHikari >= 3, "at least the three logins Hikari held: " + byHikari);
      try (Connection a = source.getConnection(); Connection b = source.getConnection()) {
        assertEquals(byHikari + 2, source.stats().connectionsCreated(), "each login counted");
      }
      assertEquals(0, source.stats().waiting());
    }
    try (LakebaseDataSource failing = LakebaseDataSource.create(env.config()
        .acquisitionTimeout(java.time.Duration.ofSeconds(1))
        .credentialMode(CredentialMode.PER_CONNECTION).build(), env.client())) {
      emulator.hang(true);
      assertThrows(SQLException.class, failing::getConnection);
      emulator.hang(false);
      assertEquals(0, failing.stats().connectionsCreated(), "a failed login opened nothing");
      assertEquals(0, failing.stats().waiting(), "and left no caller counted as waiting");
    }
  }

  @Test
  void theDataSourceMintsPerConnectionInPerConnectionMode() throws SQLException {
    LakebaseConfig config = env.config().credentialMode(CredentialMode.PER_CONNECTION).build();
    try (LakebaseDataSource source = LakebaseDataSource.create(config, env.client())) {
      for (int i = 0; i < 3; i++) {
        try (Connection c = source.getConnection()) {
          assertEquals(TestLakebase.ROLE, currentUser(c));
        }
      }
    }
    assertEquals(3, emulator.credentialCalls());
  }

  @Test
  void theDataSourceRetriesARejectedPasswordOnce() throws SQLException {
    try (LakebaseDataSource source = LakebaseDataSource.create(env.config().build(), env.client())) {
      source.getConnection().close();
      emulator.revokeCurrent();
      try (Connection c = source.getConnection()) {
        assertEquals(TestLakebase.ROLE, currentUser(c));
      }
    }
    assertEquals(2, emulator.credentialCalls());
  }
}
