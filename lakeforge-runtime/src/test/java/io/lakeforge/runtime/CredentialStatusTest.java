package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The credential status handed to health checks and meters never carries token-like text. */
class CredentialStatusTest {

  @Test
  void tokenLikeTextIsRedactedFromFailureMessages() {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    String shown = LakebaseCredentialStatus.redact("HTTP 401: Bearer " + jwt + " rejected;"
        + " token=abc123secret, client_secret: s3cr3t, dapi0123456789abcdef, password=\"pw\"");
    for (String secret : new String[] {jwt, "abc123secret", "s3cr3t", "dapi0123456789abcdef", "pw\""}) {
      assertFalse(shown.contains(secret), shown);
    }
    assertTrue(shown.startsWith("HTTP 401: "), shown);
    assertEquals("Could not obtain a Lakebase credential after 4 attempts (last: HTTP 500)",
        LakebaseCredentialStatus.redact(
            "Could not obtain a Lakebase credential after 4 attempts (last: HTTP 500)"));
  }

  @Test
  void aFailureCountsAgainstTheCredentialOnlyWhenItCameAfterIt() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    LakebaseCredentialStatus before = new LakebaseCredentialStatus(t, t.plusSeconds(60), 1, 1, 2, 0,
        Duration.ZERO, "x", t.minusSeconds(1));
    LakebaseCredentialStatus after = new LakebaseCredentialStatus(t, t.plusSeconds(60), 1, 1, 2, 0,
        Duration.ZERO, "x", t.plusSeconds(1));
    assertFalse(before.lastRefreshFailed());
    assertTrue(after.lastRefreshFailed());
    assertTrue(after.validAt(t.plusSeconds(59)));
    assertFalse(after.validAt(t.plusSeconds(60)));
  }
}
