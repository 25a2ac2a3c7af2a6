package io.lakeforge.spring;

import io.lakeforge.runtime.LakebaseCredentialStatus;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.runtime.LakebasePoolStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the starter's DataSource: DOWN when no valid credential is cached and the last refresh
 * failed (new connections cannot log in), or when the pool's own check fails; UP otherwise.
 * Details: the pool's figures, the cached credential's age and time to expiry, and the last
 * refresh error (its message with anything token-like redacted by the runtime). Never a host, a
 * user or a secret.
 */
public final class LakebaseHealthIndicator extends AbstractHealthIndicator {

  private final String endpoint;
  private final Supplier<LakebaseCredentialStatus> credential;
  private final @Nullable LakebasePool pool;
  /** Opens (true) or borrows (false) a connection and says whether it is usable. */
  private final Check check;
  private final Clock clock;

  @FunctionalInterface
  private interface Check {
    boolean usable(boolean newConnection) throws SQLException;
  }

  private LakebaseHealthIndicator(String endpoint, Supplier<LakebaseCredentialStatus> credential,
      @Nullable LakebasePool pool, Check check, Clock clock) {
    super("Lakebase health check failed");
    this.endpoint = endpoint;
    this.credential = credential;
    this.pool = pool;
    this.check = check;
    this.clock = clock;
  }

  /** For a LakeForge pool: credential, then Agroal's health check (borrows a connection). */
  public static LakebaseHealthIndicator of(LakebasePool pool) {
    return new LakebaseHealthIndicator(pool.endpoint(), pool::credentialStatus, pool,
        pool::isHealthy, Clock.systemUTC());
  }

  /**
   * For an unpooled data source under another pool: the credential, and a login when no valid
   * credential is cached.
   */
  public static LakebaseHealthIndicator of(LakebaseDataSource dataSource) {
    return new LakebaseHealthIndicator(dataSource.endpoint(), dataSource::credentialStatus, null,
        newConnection -> {
          if (!newConnection) {
            return true;
          }
          try (Connection c = dataSource.getConnection()) {
            return c.isValid(5);
          }
        }, Clock.systemUTC());
  }

  /**
   * While a valid credential is cached, borrows a connection (Agroal's check); otherwise opens a
   * new one, which asks for a credential: a Databricks API that stops minting shows here as soon
   * as the cached credential has expired, even while idle connections still work.
   */
  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    boolean valid = credential.get().validAt(clock.instant());
    boolean usable;
    String sqlState = null;
    try {
      usable = check.usable(!valid);
    } catch (SQLException e) {
      usable = false;
      sqlState = e.getSQLState();
    }
    Instant now = clock.instant();
    LakebaseCredentialStatus s = credential.get();
    builder.withDetail("endpoint", endpoint);
    if (s.mintedAt() != null && s.expireTime() != null) {
      builder.withDetail("credentialAge", seconds(Duration.between(s.mintedAt(), now)))
          .withDetail("credentialExpiresAt", s.expireTime().toString())
          .withDetail("credentialExpiresIn", seconds(Duration.between(now, s.expireTime())));
    }
    builder.withDetail("credentialRefreshes", s.refreshes())
        .withDetail("credentialFailures", s.failures());
    if (s.lastFailure() != null) {
      builder.withDetail("lastRefreshError", s.lastFailure())
          .withDetail("lastRefreshErrorAt", String.valueOf(s.lastFailureAt()));
    }
    LakebasePool p = pool;
    if (p != null) {
      LakebasePoolStats stats = p.stats();
      builder.withDetail("active", stats.active()).withDetail("idle", stats.idle())
          .withDetail("pending", stats.waiting()).withDetail("max", stats.maxSize());
    }
    if (!s.validAt(now) && s.lastRefreshFailed()) {
      builder.down().withDetail("reason", "No valid Lakebase credential: the last refresh failed,"
          + " so new connections cannot log in (see lastRefreshError).");
    } else if (!usable) {
      builder.down().withDetail("reason", "The connection check failed"
          + (sqlState == null ? "." : " (SQLSTATE " + sqlState + ")."));
    } else {
      builder.up();
    }
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }
}
