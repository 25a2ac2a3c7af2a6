package io.lakeforge.runtime.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * A Lakebase credential. {@link #toString()} never shows the token (unlike the SDK's
 * {@code DatabaseCredential}).
 */
public record Minted(String token, Instant mintedAt, Instant expireTime) {

  /** How long the credential was valid for when minted. */
  Duration lifetime() {
    return Duration.between(mintedAt, expireTime);
  }

  @Override
  public String toString() {
    return "Minted[token=<redacted>, expireTime=" + expireTime + "]";
  }
}
