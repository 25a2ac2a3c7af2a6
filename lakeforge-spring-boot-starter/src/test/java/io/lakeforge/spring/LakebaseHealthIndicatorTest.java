package io.lakeforge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeforge.runtime.LakebaseCredentialStatus;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.spring.LakebaseHealthIndicator.Connections;
import io.lakeforge.spring.LakebaseHealthIndicator.State;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code lakebase} indicator answers from state: at once while the API hangs, UP while
 * pooled connections serve, DOWN only when no connection can be made.
 */
class LakebaseHealthIndicatorTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  @AfterEach
  void release() {
    emulator.hang(false);
    emulator.reset();
  }

  private static LakebaseCredentialStatus credential(Instant expires, Instant lastFailureAt) {
    return new LakebaseCredentialStatus(expires.minusSeconds(3600), expires, 1,
        lastFailureAt == null ? 0 : 1, 1, 0, Duration.ZERO,
        lastFailureAt == null ? null : "HTTP 500", lastFailureAt);
  }

  @Test
  void theStateFollowsTheCredentialAndTheOpenConnections() {
    Connections none = new Connections(0, 0, 0, 10);
    Connections oneIdle = new Connections(0, 1, 0, 10);
    assertThat(LakebaseHealthIndicator.state(credential(T.plusSeconds(60), null), none, T))
        .isEqualTo(State.SERVING);
    // Expired but never failed (an idle application between refreshes): nothing is wrong.
    assertThat(LakebaseHealthIndicator.state(credential(T.minusSeconds(1), null), none, T))
        .isEqualTo(State.SERVING);
    assertThat(LakebaseHealthIndicator.state(
        credential(T.plusSeconds(60), T.minusSeconds(1)), none, T))
        .isEqualTo(State.REFRESH_FAILING);
    assertThat(LakebaseHealthIndicator.state(
        credential(T.minusSeconds(1), T.minusSeconds(2)), oneIdle, T))
        .isEqualTo(State.REFRESH_FAILING);
    assertThat(LakebaseHealthIndicator.state(
        credential(T.minusSeconds(1), T.minusSeconds(2)), none, T))
        .isEqualTo(State.NO_CONNECTION);
  }

  /** A pool whose 3 s credential cannot be refreshed: the API accepts and never answers. */
  private LakebasePool hungPool() {
    emulator.tokenLifetime(Duration.ofSeconds(3));
    LakebasePool pool = LakebasePool.create(env.config().endpoint(TestLakebase.ENDPOINT)
        .set(io.lakeforge.runtime.LakebaseSettings.REFRESH_MARGIN, Duration.ofSeconds(1))
        .set(io.lakeforge.runtime.LakebaseSettings.API_TIMEOUT, Duration.ofSeconds(1))
        .set(io.lakeforge.runtime.LakebaseSettings.API_ATTEMPTS, 1)
        .acquisitionTimeout(Duration.ofSeconds(3)).build(), env.client());
    return pool;
  }

  /**
   * Drives the state: waits for the 3 s credential to expire (which stays so), then asks for a new
   * physical connection, whose refresh meets the hung API and fails.
   */
  private static void expireAndFailARefresh(LakebasePool pool) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (pool.credentialStatus().validAt(Instant.now()) && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    try (Connection c = pool.getConnection()) {
      throw new AssertionError("a new connection opened without a credential");
    } catch (java.sql.SQLException expected) {
      // The refresh failed: that is the state the test wants.
    }
    LakebaseCredentialStatus s = pool.credentialStatus();
    assertThat(s.lastRefreshFailed()).as("a refresh failed").isTrue();
    assertThat(s.validAt(Instant.now())).as("the credential expired").isFalse();
  }

  private static Health timed(LakebaseHealthIndicator indicator, long[] millis) {
    long start = System.nanoTime();
    Health h = indicator.health();
    millis[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return h;
  }

  @Test
  void whileTheApiHangsPooledConnectionsServeAndHealthSaysSoAtOnce() throws Exception {
    try (LakebasePool pool = hungPool()) {
      Connection held = pool.getConnection();
      assertThat(held.isValid(1)).isTrue();
      emulator.hang(true);
      expireAndFailARefresh(pool);
      held.close();
      long[] millis = new long[1];
      Health health = timed(LakebaseHealthIndicator.of(pool), millis);
      assertThat(millis[0]).as("answered from state, not the acquisition budget")
          .isLessThan(1000);
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("state", "refresh-failing")
          .containsKeys("lastRefreshError", "reason");
      // The idle connection still answers: the application serves.
      assertThat(pool.dsl().fetchValue("select 1")).isEqualTo(1);
    }
  }

  @Test
  void withNoOpenConnectionAndNoCredentialHealthIsDownAtOnce() throws Exception {
    try (LakebasePool pool = hungPool()) {
      emulator.hang(true);
      expireAndFailARefresh(pool);
      assertThat(pool.stats().active() + pool.stats().idle()).isZero();
      long[] millis = new long[1];
      Health health = timed(LakebaseHealthIndicator.of(pool), millis);
      assertThat(millis[0]).isLessThan(1000);
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("state", "no-connection");
      assertThat(String.valueOf(health.getDetails().get("reason")))
          .contains("no connection can be made");
      String shown = health.getDetails().toString();
      for (String secret : emulator.secrets()) {
        assertThat(shown).doesNotContain(secret);
      }
      assertThat(shown).doesNotContain("127.0.0.1").doesNotContain(TestLakebase.ROLE);
    }
  }
}
