package io.lakeforge.runtime;

import java.time.Duration;
import java.time.Instant;

/**
 * A Lakebase credential. Package-private on purpose: no type outside the runtime package can hold
 * or return a token. {@link #toString()} never shows it (unlike the SDK's
 * {@code DatabaseCredential}).
 */
record Minted(String token, Instant mintedAt, Instant expireTime) {

  /** How long the credential was valid for when minted. */
  Duration lifetime() {
    return Duration.between(mintedAt, expireTime);
  }

  @Override
  public String toString() {
    return "Minted[token=<redacted>, expireTime=" + expireTime + "]";
  }
}
