package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import io.lakeforge.testing.TricklingHttpProxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An API that answers a byte every 250 ms: each byte restarts a socket read timeout, so only a
 * wall-clock deadline per attempt keeps {@code apiTimeout} true. The trickle of one answer lasts
 * about 25 s; the bounds below are a few seconds, far from both.
 */
class TricklingApiTest {

  private static final Duration PER_BYTE = Duration.ofMillis(250);
  /** Slack for a busy machine; a trickled answer takes ten times longer. */
  private static final long SLACK_MS = 3_000;

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private TricklingHttpProxy proxy;

  @BeforeEach
  void start() throws Exception {
    emulator.reset();
    proxy = new TricklingHttpProxy(emulator.url());
  }

  @AfterEach
  void stop() {
    proxy.close();
    emulator.reset();
  }

  private WorkspaceClient throughProxy() {
    return new WorkspaceClient(new DatabricksConfig()
        .setHost(proxy.url())
        .setClientId(emulator.clientId())
        .setClientSecret(emulator.clientSecret())
        .setAuthType("oauth-m2m")
        .setHttpTimeoutSeconds(60));
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void aTrickledCredentialAnswerEndsEachAttemptAtApiTimeout() throws Exception {
    proxy.trickle("/api/2.0/postgres/credentials", PER_BYTE);
    try (LakebasePool pool = LakebasePool.create(env.config()
        .apiTimeout(Duration.ofSeconds(1)).apiAttempts(2)
        .acquisitionTimeout(Duration.ofSeconds(30)).build(), throughProxy())) {
      long start = System.nanoTime();
      assertThrows(java.sql.SQLException.class, pool::getConnection);
      long took = millisSince(start);
      LakebaseCredentialStatus status = pool.credentialStatus();
      // Long before the 30 s budget: each of the two attempts ended at its 1 s apiTimeout.
      assertTrue(took < 2 * 1_000 + SLACK_MS, "the borrow took " + took + " ms for two attempts"
          + " of 1 s; " + status);
      assertEquals(2, status.apiCalls(), String.valueOf(status));
      assertEquals(1, status.failures(), String.valueOf(status));
      assertTrue(String.valueOf(status.lastFailure()).contains("no answer within 1000 ms"),
          String.valueOf(status.lastFailure()));
      assertEquals(2, proxy.trickled(), "both attempts met the trickle");
      proxy.stopTrickling();
      // During the failure pause callers meet the last failure at once; then a refresh starts
      // again and gets through: the trickle held no lock and no thread.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try (Connection c = pool.getConnection()) {
          assertTrue(c.isValid(2));
          break;
        } catch (java.sql.SQLException failed) {
          assertTrue(System.nanoTime() < deadline, "no credential after the trickle: " + failed);
          Thread.sleep(200);
        }
      }
    }
  }

  @Test
  void aTrickledEndpointLookupEndsCreateWithinApiTimeout() throws Exception {
    proxy.trickle("/api/2.0/postgres/projects", PER_BYTE);
    long start = System.nanoTime();
    LakebaseCredentialException e = assertThrows(LakebaseCredentialException.class,
        () -> LakebasePool.create(env.config().host(null)
            .apiTimeout(Duration.ofSeconds(1)).apiAttempts(1).build(), throughProxy()).close());
    long took = millisSince(start);
    assertTrue(took < 1_000 + SLACK_MS, "create() took " + took + " ms for one attempt of 1 s");
    assertTrue(e.getMessage().contains("no answer within 1000 ms"), e.getMessage());
  }

  @Test
  void closeDuringATrickledIdentityLookupReturnsAtOnceAndFailsTheCallerAsClosed()
      throws Exception {
    java.util.List<java.util.logging.LogRecord> severe = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
          severe.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(handler);
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      proxy.trickle("/api/2.0/preview/scim/v2/Me", PER_BYTE);
      // A minute per attempt: only close() can end the lookup within the bounds below.
      Lakebase lakebase = Lakebase.create(env.config().user(null).endpoint(null)
          .apiTimeout(Duration.ofSeconds(60)).apiAttempts(1).build(), throughProxy());
      io.lakeforge.annotations.BranchRef dev =
          new io.lakeforge.annotations.BranchRef("lakeforge-main", "dev", "primary", "readonly");
      java.util.concurrent.Future<Integer> firstUse = threads.submit(
          () -> lakebase.readWrite(dev).fetchValue(org.jooq.impl.DSL.inline(1)));
      assertTrue(proxy.awaitTrickling(Duration.ofSeconds(20)), "the Me lookup is under way");
      long start = System.nanoTime();
      lakebase.close();
      long took = millisSince(start);
      assertTrue(took < SLACK_MS, "close() took " + took + " ms during the Me lookup");
      java.util.concurrent.ExecutionException e = assertThrows(
          java.util.concurrent.ExecutionException.class,
          () -> firstUse.get(SLACK_MS, TimeUnit.MILLISECONDS), "the lookup was aborted");
      assertTrue(e.getCause() instanceof LakebaseClosedException, String.valueOf(e.getCause()));
      assertEquals(java.util.List.of(), severe.stream().map(r -> r.getLoggerName() + ": "
          + r.getMessage()).toList(), "closing is not logged as a failure");
    } finally {
      root.removeHandler(handler);
      threads.shutdownNow();
    }
  }
}
