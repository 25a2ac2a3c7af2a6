package io.lakeforge.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Lakebase credential of one endpoint and identity, shared by every LakeForge object of the
 * process that targets them (pools, async pools, data sources, branch contexts): one API call
 * serves them all. Reference-counted: {@link #open} and {@link #release()}.
 *
 * <p>API calls never run on a caller's thread. They run on the cache's own small daemon executor
 * (one thread in cached mode, up to {@code maxSize} and at most 16 in per-connection mode), so
 * an interrupted or timed-out caller cannot fail the others, and
 * an {@link Error} in a refresh completes every waiter exceptionally. A caller waits only while
 * no valid credential exists, and never past its deadline. A credential still valid but due for
 * refresh is served at once while the refresh runs in the background (refresh-ahead). After a
 * failed refresh the next one waits {@link #FAILURE_PAUSE}, whether or not a credential is cached;
 * without one, callers meet the last failure at once during the pause.
 */
final class CredentialCache {

  /** What a credential is for: one workspace, one endpoint, one PostgreSQL role. */
  record Key(String workspace, String endpoint, String user) {}

  private static final System.Logger LOG = System.getLogger("io.lakeforge.runtime");
  /** A credential this close to expiry is no longer handed out. */
  private static final Duration USABLE_UNTIL_BEFORE_EXPIRY = Duration.ofSeconds(1);
  /** After a failed refresh, the next attempt starts this much later. */
  static final Duration FAILURE_PAUSE = Duration.ofSeconds(5);
  /** Per-connection mode mints in parallel, on at most this many threads (and maxSize). */
  private static final int MAX_PER_CONNECTION_THREADS = 16;
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Map<Key, CredentialCache> SHARED = new HashMap<>();

  private final @Nullable Key key;
  private final String name;
  private final String endpoint;
  private final DatabricksCalls calls;
  private final CredentialMode mode;
  private final Duration margin;
  private final Clock clock;
  private final ThreadPoolExecutor executor;

  private final LongAdder refreshes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder apiCalls = new LongAdder();
  /** Time spent in refreshes (the API calls, retries and backoff included), for meters. */
  private final LongAdder refreshNanos = new LongAdder();
  private volatile @Nullable Instant lastFailureAt;

  private volatile @Nullable Minted current;
  private volatile long pausedUntilNanos = System.nanoTime();
  private volatile @Nullable Throwable lastFailure;
  /**
   * What the last refresh left, for logging each change of state once: {@code null} when it
   * worked, else whether a usable credential remained. Guarded by {@code this}.
   */
  private @Nullable Boolean failingWithCredential;
  private long failuresSinceOk;
  private @Nullable CompletableFuture<Minted> inFlight;
  private int users;
  private boolean closed;

  private CredentialCache(@Nullable Key key, String name, String endpoint, DatabricksCalls calls,
      CredentialMode mode, Duration margin, Clock clock, int perConnectionThreads, int queue) {
    this.key = key;
    this.name = name;
    this.endpoint = endpoint;
    this.calls = calls;
    this.mode = mode;
    this.margin = margin;
    this.clock = clock;
    int threads = mode == CredentialMode.CACHED ? 1 : perConnectionThreads;
    // Cached mode queues at most one refresh (single flight); per-connection mode one mint per
    // caller that may wait.
    this.executor = new ThreadPoolExecutor(threads, threads, 2, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(queue), r -> {
          Thread t = new Thread(r, "lakeforge-credentials-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.executor.allowCoreThreadTimeOut(true);
  }

  /**
   * The shared cache for this endpoint and identity (cached mode), or a private one (per-connection
   * mode). {@code calls} is invoked only when a new cache is created; the cache then owns it.
   */
  static CredentialCache open(Key key, String name, LakebaseConfig config,
      Supplier<DatabricksCalls> calls) {
    if (config.credentialMode() == CredentialMode.PER_CONNECTION) {
      CredentialCache own = new CredentialCache(null, name, key.endpoint(), calls.get(),
          CredentialMode.PER_CONNECTION, config.refreshMargin(), Clock.systemUTC(),
          Math.min(MAX_PER_CONNECTION_THREADS, config.maxSize()),
          Math.max(1, config.maxWaiting() + config.maxSize()));
      own.users = 1;
      return own;
    }
    synchronized (SHARED) {
      CredentialCache cache = SHARED.get(key);
      if (cache == null) {
        cache = new CredentialCache(key, name, key.endpoint(), calls.get(), CredentialMode.CACHED,
            config.refreshMargin(), Clock.systemUTC(), 1, 4);
        SHARED.put(key, cache);
      }
      cache.users++;
      return cache;
    }
  }

  /**
   * A credential to log in with now.
   *
   * @param deadline {@link System#nanoTime()} by which the caller must have an answer
   * @throws LakebaseCredentialException when none is available by the deadline
   * @throws LakebaseClosedException when the cache was closed
   */
  Minted credential(long deadline) {
    if (mode == CredentialMode.PER_CONNECTION) {
      return mintForThisCaller(deadline);
    }
    Minted c = current;
    Instant now = clock.instant();
    if (c != null && fresh(c, now)) {
      return c;
    }
    if (c != null && usable(c, now)) {
      flight();
      return c;
    }
    return await(flightOrRecentFailure(), deadline);
  }

  /**
   * Per-connection mode: a mint of the caller's own, which goes when the caller goes. A caller
   * that gives up (deadline, interrupt) removes its mint from the queue, and a mint already
   * running makes no further attempt, so no request fires for a caller that left. The queue is
   * bounded ({@code maxWaiting + maxSize}); one more caller fails at once.
   */
  private Minted mintForThisCaller(long deadline) {
    CompletableFuture<Minted> f = new CompletableFuture<>();
    Runnable task = () -> refresh(f, 0);
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      if (closed || executor.isShutdown()) {
        throw closedException();
      }
      throw new LakebaseCredentialException(name + ": " + executor.getQueue().size()
          + " credential requests are already queued (maxWaiting + maxSize). Raise maxWaiting,"
          + " use credentialMode CACHED, or shed load.", null);
    }
    try {
      return await(f, deadline);
    } finally {
      if (f.cancel(false)) {
        executor.remove(task);
      }
    }
  }

  /**
   * The refresh in flight, or a new one; but while the pause after a failed refresh lasts and no
   * refresh is in flight, the last failure at once: callers do not restart the API's retry cycle.
   */
  private synchronized CompletableFuture<Minted> flightOrRecentFailure() {
    Throwable last = lastFailure;
    long pause = pausedUntilNanos - System.nanoTime();
    if (inFlight == null && last != null && pause > 0 && !closed) {
      throw new LakebaseCredentialException(name + ": no Lakebase credential; the last request"
          + " failed (" + describe(last) + "), the next one starts in "
          + TimeUnit.NANOSECONDS.toMillis(pause) + " ms.", null);
    }
    return flight();
  }

  private static String describe(Throwable t) {
    return t instanceof LakebaseException ? t.getMessage() : t.toString();
  }

  /** Starts fetching the first credential in the background, overlapping the first connect. */
  void prefetch() {
    if (mode == CredentialMode.CACHED && current == null) {
      try {
        flight();
      } catch (LakebaseClosedException e) {
        // Nothing to prefetch for.
      }
    }
  }

  /** Drops the credential PostgreSQL rejected (SQLSTATE 28P01), and only that one. */
  synchronized void invalidate(Minted rejected) {
    Minted c = current;
    if (c != null && c.token().equals(rejected.token())) {
      current = null;
    }
  }

  private synchronized CompletableFuture<Minted> flight() {
    if (closed) {
      throw closedException();
    }
    CompletableFuture<Minted> f = inFlight;
    if (f == null) {
      f = new CompletableFuture<>();
      inFlight = f;
      submit(f, pausedUntilNanos - System.nanoTime());
    }
    return f;
  }

  private CompletableFuture<Minted> submit(CompletableFuture<Minted> f, long delayNanos) {
    try {
      executor.execute(() -> refresh(f, delayNanos));
    } catch (Throwable t) { // RejectedExecutionException after close, or no thread could start
      finish(f, null, t);
    }
    return f;
  }

  private void refresh(CompletableFuture<Minted> f, long delayNanos) {
    if (f.isDone()) { // its caller gave up (per-connection mode) or the cache closed
      return;
    }
    try {
      if (delayNanos > 0) {
        TimeUnit.NANOSECONDS.sleep(delayNanos);
      }
      long start = System.nanoTime();
      Minted m;
      try {
        m = calls.mint(endpoint, apiCalls, f::isDone);
      } finally {
        refreshNanos.add(System.nanoTime() - start);
      }
      refreshes.increment();
      finish(f, m, null);
    } catch (InterruptedException e) {
      finish(f, null, closedException());
    } catch (Throwable t) { // Errors too: every waiter must hear about the failure.
      failures.increment();
      lastFailureAt = clock.instant();
      finish(f, null, t);
    }
  }

  private void finish(CompletableFuture<Minted> f, @Nullable Minted minted, @Nullable Throwable t) {
    synchronized (this) {
      if (minted != null && mode == CredentialMode.CACHED) {
        current = minted;
      }
      if (t != null) {
        lastFailure = t;
        pausedUntilNanos = System.nanoTime() + FAILURE_PAUSE.toNanos();
      }
      if (t != null && !(t instanceof LakebaseClosedException)) {
        failuresSinceOk++;
        Minted c = current;
        boolean cached = c != null && usable(c, clock.instant());
        if (!Boolean.valueOf(cached).equals(failingWithCredential)) { // a change of state
          failingWithCredential = cached;
          String reason = describe(t);
          LOG.log(System.Logger.Level.WARNING, () -> name + ": refreshing the credential failed ("
              + reason + "); " + (cached
                  ? "the cached one stays in use until it expires at " + c.expireTime()
                  : "no valid credential, so new connections fail until the Databricks API"
                      + " answers (connections already open keep working)")
              + ". Retrying at most every " + FAILURE_PAUSE.toSeconds() + " s; logged again"
              + " when this changes.");
        }
      } else if (minted != null && failingWithCredential != null) {
        long failed = failuresSinceOk;
        failingWithCredential = null;
        failuresSinceOk = 0;
        LOG.log(System.Logger.Level.INFO, () -> name + ": the credential refresh recovered after "
            + failed + " failed " + (failed == 1 ? "attempt" : "attempts") + ".");
      }
      if (inFlight == f) {
        inFlight = null;
      }
    }
    if (minted != null) {
      f.complete(minted);
    } else {
      f.completeExceptionally(t);
    }
  }

  private Minted await(CompletableFuture<Minted> f, long deadline) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      Throwable last = lastFailure;
      throw new LakebaseCredentialException(name + ": no Lakebase credential within the"
          + " acquisition timeout" + (last == null ? "" : " (last failure: " + describe(last) + ")")
          + "; the request goes on in the background. Check that the Databricks API answers, or"
          + " raise acquisitionTimeout.", null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakebaseException(name + ": interrupted while waiting for a Lakebase credential.");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LakebaseClosedException closedCause) {
        throw new LakebaseClosedException(closedCause.getMessage());
      }
      if (cause instanceof LakebaseException le) {
        throw new LakebaseCredentialException(le.getMessage(), null);
      }
      throw new LakebaseCredentialException(name + ": requesting a Lakebase credential failed: "
          + cause, null);
    }
  }

  /** Drops one user; the last one closes the cache, its thread and its HTTP connections. */
  void release() {
    boolean last;
    if (key == null) {
      last = true;
    } else {
      synchronized (SHARED) {
        last = --users == 0;
        if (last) {
          SHARED.remove(key, this);
        }
      }
    }
    if (last) {
      close();
    }
  }

  private void close() {
    CompletableFuture<Minted> f;
    synchronized (this) {
      closed = true;
      f = inFlight;
      inFlight = null;
      current = null;
    }
    calls.close();
    executor.shutdownNow();
    if (f != null) {
      f.completeExceptionally(closedException());
    }
  }

  private LakebaseClosedException closedException() {
    return new LakebaseClosedException(name + ": closed; no credential will be requested.");
  }

  /** Requests queued or running on the cache's executor, for tests. */
  int pendingRequests() {
    return executor.getQueue().size() + executor.getActiveCount();
  }

  long refreshes() {
    return refreshes.sum();
  }

  long failures() {
    return failures.sum();
  }

  long apiCalls() {
    return apiCalls.sum();
  }

  /**
   * A snapshot for health checks and meters: when the cached credential was minted and expires,
   * the counters, and the last failure with anything that looks like a token removed. Never the
   * credential itself.
   */
  LakebaseCredentialStatus status() {
    Minted c = current;
    long ok = refreshes.sum();
    long failed = failures.sum();
    long calls = apiCalls.sum();
    Throwable last = lastFailure;
    return new LakebaseCredentialStatus(c == null ? null : c.mintedAt(),
        c == null ? null : c.expireTime(), ok, failed, calls, Math.max(0, calls - ok - failed),
        Duration.ofNanos(refreshNanos.sum()),
        last == null ? null : LakebaseCredentialStatus.redact(describe(last)), lastFailureAt);
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
