package io.lakeforge.runtime.internal;

import io.lakeforge.runtime.CredentialMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The credential of one endpoint: reused while enough validity remains, refreshed ahead of
 * expiry, refreshed by one caller while concurrent callers wait for its result (single flight),
 * and kept in service while it is still valid if a refresh fails.
 */
public final class CredentialCache {

  private static final System.Logger LOG = System.getLogger("io.lakeforge.runtime");
  /** A credential this close to expiry is no longer handed out. */
  private static final Duration USABLE_UNTIL_BEFORE_EXPIRY = Duration.ofSeconds(1);
  /** After a failed refresh, a still-valid credential is served this long before trying again. */
  private static final Duration FAILURE_PAUSE = Duration.ofSeconds(5);

  private final String name;
  private final String endpoint;
  private final DatabricksCalls calls;
  private final CredentialMode mode;
  private final Duration margin;
  private final Clock clock;

  private final LongAdder refreshes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder apiCalls = new LongAdder();

  private volatile @Nullable Minted current;
  private volatile Instant pausedUntil = Instant.MIN;
  private @Nullable CompletableFuture<Minted> inFlight;

  public CredentialCache(String name, String endpoint, DatabricksCalls calls, CredentialMode mode,
      Duration margin, Clock clock) {
    this.name = name;
    this.endpoint = endpoint;
    this.calls = calls;
    this.mode = mode;
    this.margin = margin;
    this.clock = clock;
  }

  /** A token to log in with now. */
  public String token() {
    if (mode == CredentialMode.PER_CONNECTION) {
      return mint().token();
    }
    Minted c = current;
    Instant now = clock.instant();
    if (c != null && fresh(c, now)) {
      return c.token();
    }
    return refresh(c, now);
  }

  /** Drops the cached credential, e.g. after PostgreSQL rejected it (SQLSTATE 28P01). */
  public void invalidate() {
    current = null;
    pausedUntil = Instant.MIN;
  }

  public long refreshes() {
    return refreshes.sum();
  }

  public long failures() {
    return failures.sum();
  }

  public long apiCalls() {
    return apiCalls.sum();
  }

  public String endpoint() {
    return endpoint;
  }

  private String refresh(@Nullable Minted stale, Instant now) {
    if (stale != null && usable(stale, now) && now.isBefore(pausedUntil)) {
      return stale.token();
    }
    CompletableFuture<Minted> flight;
    boolean leader = false;
    synchronized (this) {
      Minted c = current;
      if (c != null && c != stale && fresh(c, now)) {
        return c.token();
      }
      flight = inFlight;
      if (flight == null) {
        flight = new CompletableFuture<>();
        inFlight = flight;
        leader = true;
      }
    }
    if (leader) {
      try {
        Minted minted = mint();
        current = minted;
        flight.complete(minted);
      } catch (RuntimeException e) {
        pausedUntil = clock.instant().plus(FAILURE_PAUSE);
        flight.completeExceptionally(e);
      } finally {
        synchronized (this) {
          inFlight = null;
        }
      }
    }
    try {
      return flight.join().token();
    } catch (CompletionException e) {
      Minted c = current;
      Instant at = clock.instant();
      if (c != null && usable(c, at)) {
        if (leader) {
          LOG.log(System.Logger.Level.WARNING, () -> name + ": refreshing the credential failed ("
              + e.getCause().getMessage() + "); the cached one stays in use for another "
              + Duration.between(at, c.expireTime()).toSeconds() + " s");
        }
        return c.token();
      }
      throw (RuntimeException) e.getCause();
    }
  }

  private Minted mint() {
    try {
      Minted m = calls.mint(endpoint, apiCalls);
      refreshes.increment();
      return m;
    } catch (RuntimeException e) {
      failures.increment();
      throw e;
    }
  }

  /** Fresh: more than the refresh margin (at most half the lifetime) remains. */
  private boolean fresh(Minted m, Instant now) {
    Duration half = m.lifetime().dividedBy(2);
    Duration effective = margin.compareTo(half) > 0 ? half : margin;
    return now.isBefore(m.expireTime().minus(effective));
  }

  private static boolean usable(Minted m, Instant now) {
    return now.isBefore(m.expireTime().minus(USABLE_UNTIL_BEFORE_EXPIRY));
  }
}
