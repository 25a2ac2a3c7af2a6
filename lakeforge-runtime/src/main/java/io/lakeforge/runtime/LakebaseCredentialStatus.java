package io.lakeforge.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one credential cache, for health checks and meters; it never holds the
 * credential.
 *
 * @param mintedAt when the cached credential was minted, or {@code null} when none is cached
 * @param expireTime when the cached credential expires, or {@code null} when none is cached
 * @param refreshes credentials obtained from the Databricks API
 * @param failures refreshes that failed after their retries
 * @param apiCalls HTTP calls made to the credential API, retries included
 * @param apiRetries HTTP calls beyond the first of each refresh
 * @param refreshTime time spent in refreshes, retries and backoff included
 * @param lastFailure the message of the last failed refresh with token-like text redacted, or
 *     {@code null}
 * @param lastFailureAt when the last refresh failed, or {@code null}
 */
public record LakebaseCredentialStatus(
    @Nullable Instant mintedAt,
    @Nullable Instant expireTime,
    long refreshes,
    long failures,
    long apiCalls,
    long apiRetries,
    Duration refreshTime,
    @Nullable String lastFailure,
    @Nullable Instant lastFailureAt) {

  /** JWTs, Databricks PATs, bearer values and key=value secrets. */
  private static final Pattern SECRET = Pattern.compile(
      "eyJ[A-Za-z0-9_-]{4,}(\\.[A-Za-z0-9_-]*){0,2}|dapi[0-9a-f]{8,}|dose[0-9a-f]{8,}"
          + "|(?i)(bearer\\s+|(token|secret|password)[\"']?\\s*[=:]\\s*[\"']?)[^\\s,;\"']+");

  /** Whether the last refresh failed after the cached credential (if any) was minted. */
  public boolean lastRefreshFailed() {
    return lastFailureAt != null && (mintedAt == null || lastFailureAt.isAfter(mintedAt));
  }

  /** Whether a credential is cached that is still valid at {@code now}. */
  public boolean validAt(Instant now) {
    return expireTime != null && now.isBefore(expireTime);
  }

  static String redact(String text) {
    return SECRET.matcher(text).replaceAll("<redacted>");
  }
}
