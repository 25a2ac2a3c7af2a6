package io.lakeforge.spring;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.lakeforge.runtime.LakebaseCredentialStatus;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.runtime.LakebasePoolStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the starter's DataSource, answered from state: the credential cache's snapshot and the
 * pool's counters. It opens no connection, borrows none and calls no API, so it answers at once
 * even while the Databricks API or the database hangs (Boot's {@code db} indicator is the one that
 * runs a query). Detail {@code state} is one of:
 *
 * <ul>
 *   <li>{@code serving}: UP. A valid credential is cached and the last refresh (if any) worked.
 *   <li>{@code refresh-failing}: UP. The last refresh failed, but a valid credential is still
 *       cached or the pool holds open connections, so the application still serves; new logins
 *       fail once the credential has expired. An alert, not a restart.
 *   <li>{@code no-connection}: DOWN. The last refresh failed, no valid credential is cached and
 *       the pool holds no open connection: no query can run until a refresh succeeds.
 * </ul>
 *
 * <p>Belongs in the readiness group, never in liveness: restarting the application does not bring
 * the Databricks API back, and throws away working connections. Other details: the pool's figures,
 * the credential's age and time to expiry, and the last refresh error (redacted by the runtime).
 * Never a host, a user or a secret.
 */
public final class LakebaseHealthIndicator implements HealthIndicator {

  /** What {@link #health()} reports in its {@code state} detail. */
  public enum State {
    /** UP: a valid credential is cached and refreshes work. */
    SERVING,
    /** UP: refreshes fail, but a valid credential or open connections still serve queries. */
    REFRESH_FAILING,
    /** DOWN: refreshes fail, no valid credential is cached and no connection is open. */
    NO_CONNECTION;

    /** The detail's text: {@code serving}, {@code refresh-failing}, {@code no-connection}. */
    public String text() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** A pool's connection counters; {@code max} negative when the pool has not started. */
  record Connections(long active, long idle, long pending, int max) {
    long open() {
      return active + idle;
    }
  }

  private final String endpoint;
  private final Supplier<LakebaseCredentialStatus> credential;
  private final Supplier<Connections> connections;
  private final Clock clock;

  LakebaseHealthIndicator(String endpoint, Supplier<LakebaseCredentialStatus> credential,
      Supplier<Connections> connections, Clock clock) {
    this.endpoint = endpoint;
    this.credential = credential;
    this.connections = connections;
    this.clock = clock;
  }

  /** For a LakeForge pool. */
  public static LakebaseHealthIndicator of(LakebasePool pool) {
    return of(pool, Clock.systemUTC());
  }

  static LakebaseHealthIndicator of(LakebasePool pool, Clock clock) {
    return new LakebaseHealthIndicator(pool.endpoint(), pool::credentialStatus, () -> {
      LakebasePoolStats s = pool.stats();
      return new Connections(s.active(), s.idle(), s.waiting(), s.maxSize());
    }, clock);
  }

  /** For HikariCP over an unpooled data source: Hikari's counters, LakeForge's credential. */
  public static LakebaseHealthIndicator of(LakebaseDataSource dataSource, HikariDataSource hikari) {
    return new LakebaseHealthIndicator(dataSource.endpoint(), dataSource::credentialStatus, () -> {
      HikariPoolMXBean m = hikari.getHikariPoolMXBean();
      return m == null
          ? new Connections(0, 0, 0, hikari.getMaximumPoolSize())
          : new Connections(m.getActiveConnections(), m.getIdleConnections(),
              m.getThreadsAwaitingConnection(), hikari.getMaximumPoolSize());
    }, Clock.systemUTC());
  }

  /** The state of the credential and the pool at {@code now}; see the class comment. */
  static State state(LakebaseCredentialStatus credential, Connections connections, Instant now) {
    if (!credential.lastRefreshFailed()) {
      return State.SERVING;
    }
    return credential.validAt(now) || connections.open() > 0
        ? State.REFRESH_FAILING
        : State.NO_CONNECTION;
  }

  @Override
  public Health health() {
    Instant now = clock.instant();
    LakebaseCredentialStatus s = credential.get();
    Connections c = connections.get();
    State state = state(s, c, now);
    Health.Builder builder = state == State.NO_CONNECTION ? Health.down() : Health.up();
    builder.withDetail("state", state.text()).withDetail("endpoint", endpoint);
    if (s.mintedAt() != null && s.expireTime() != null) {
      builder.withDetail("credentialAge", seconds(Duration.between(s.mintedAt(), now)))
          .withDetail("credentialExpiresAt", s.expireTime().toString())
          .withDetail("credentialExpiresIn",
              seconds(max0(Duration.between(now, s.expireTime()))));
    }
    builder.withDetail("credentialRefreshes", s.refreshes())
        .withDetail("credentialFailures", s.failures());
    if (s.lastFailure() != null) {
      builder.withDetail("lastRefreshError", s.lastFailure())
          .withDetail("lastRefreshErrorAt", String.valueOf(s.lastFailureAt()));
    }
    builder.withDetail("active", c.active()).withDetail("idle", c.idle())
        .withDetail("pending", c.pending()).withDetail("max", c.max());
    String reason = reason(state, s, c, now);
    if (reason != null) {
      builder.withDetail("reason", reason);
    }
    return builder.build();
  }

  private static @Nullable String reason(State state, LakebaseCredentialStatus s, Connections c,
      Instant now) {
    return switch (state) {
      case SERVING -> null;
      case REFRESH_FAILING -> "Credential refresh failing (see lastRefreshError); still serving"
          + (s.validAt(now)
              ? " with a valid credential until " + s.expireTime()
              : " from " + c.open() + " open connection(s); new logins fail until a refresh"
                  + " succeeds") + ".";
      case NO_CONNECTION -> "No valid Lakebase credential: the last refresh failed and no"
          + " connection is open, so no connection can be made (see lastRefreshError).";
    };
  }

  private static Duration max0(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }
}
