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
    long start = System.nanoTime();
    try (LakebasePool pool = LakebasePool.create(env.config()
        .apiTimeout(Duration.ofSeconds(1)).apiAttempts(2)
        .acquisitionTimeout(Duration.ofSeconds(30)).build(), throughProxy())) {
      long took = millisSince(start);
      LakebaseCredentialStatus status = pool.credentialStatus();
      // Before the deadline: create() waited out its 30 s for the first credential.
      assertTrue(took < 2 * 1_000 + SLACK_MS, "create() took " + took + " ms for two attempts"
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
}
