package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceMetrics;
import io.lakeforge.runtime.internal.ConnectionSettings;
import io.lakeforge.runtime.internal.Jdbc;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;

/**
 * An Agroal connection pool for one Lakebase endpoint. Every new physical connection logs in with
 * a Lakebase credential from the endpoint's credential cache (shared by every LakeForge object of
 * the process for the same endpoint and identity); pooled connections are reused without touching
 * the Databricks API.
 *
 * <pre>{@code
 * try (LakebasePool pool = LakebasePool.fromEnvironment()) {
 *   String me = pool.dsl().fetchValue("select current_user", String.class);
 * }
 * }</pre>
 *
 * <p><b>Budget.</b> {@link #getConnection()} returns or fails within {@link
 * LakebaseConfig#acquisitionTimeout()} plus at most about a second (pgjdbc counts its timeouts in
 * whole seconds): waiting for a free connection, the credential (refreshed in the background
 * while the cached one is valid), the TCP connect, the login and the validation of an idle
 * connection all count against it. On top of Agroal: a bound on waiting callers ({@link
 * LakebaseConfig#maxWaiting()}; one more fails at once with {@link PoolExhaustedException}); on
 * SQLSTATE 28P01 the rejected credential is dropped and the login retried once with a new one; a
 * compute that is starting (57P01, 57P03, 08001, 08006) is retried within the budget.
 *
 * <p><b>Close.</b> {@link #close()} closes every connection, borrowed ones included (after waiting
 * up to {@code closeGrace} for them to be returned, and asking the server to cancel what still
 * runs on them), stops the pool's thread and releases the credential cache: the last user of a
 * cache stops its thread and HTTP connections.
 */
public final class LakebasePool implements DataSource, AutoCloseable {

  private static final System.Logger LOG = System.getLogger("io.lakeforge.runtime");
  private static final int MAX_CANCELS = 8;

  private final String name;
  private final String endpoint;
  private final LakebaseConfig config;
  private final AgroalDataSource agroal;
  private final AgroalBinding binding;
  private final CredentialCache credentials;
  /** Read on every borrow: plain fields, not lookups in the configuration's map. */
  private final boolean poolMetrics;
  private final int maxWaiting;
  private final int maxSize;
  /** Callers inside getConnection(), for maxWaiting when Agroal's metrics (and waiter count) are off. */
  private final LongAdder acquiring = new LongAdder();
  /** Callers turned away by maxWaiting (a cold path: counted only on rejection). */
  private final LongAdder exhausted = new LongAdder();
  private final DSLContext dsl;
  private volatile boolean closed;

  private LakebasePool(LakebaseConfig config, Target target, CredentialCache credentials) {
    this.name = target.name();
    this.endpoint = target.endpoint();
    this.config = config;
    this.credentials = credentials;
    this.poolMetrics = config.poolMetrics();
    this.maxWaiting = config.maxWaiting();
    this.maxSize = config.maxSize();
    try {
      this.binding = new AgroalBinding(name, config, new Opener(target, config, credentials),
          () -> closed);
    } catch (SQLException e) {
      throw new LakebaseException(name + ": could not start the connection pool: " + e.getMessage(), e);
    }
    this.agroal = binding.agroal();
    this.dsl = DSL.using(this, SQLDialect.POSTGRES, jooqSettings());
    LOG.log(System.Logger.Level.DEBUG, () -> name + ": pool started for " + endpoint + " at "
        + target.host() + ":" + target.port() + " as " + target.user());
  }

  /** A pool for {@code LAKEBASE_ENDPOINT}, configured from the environment and the SDK's default auth. */
  public static LakebasePool fromEnvironment() {
    LakebaseConfig config = LakebaseConfig.fromEnvironment();
    config.requireEndpoint();
    return create(config, Lakebase.defaultClient());
  }

  /**
   * A pool for {@link LakebaseConfig#endpoint()}, ready within the acquisition timeout. The host
   * is looked up from the endpoint when {@link LakebaseConfig#host()} is unset, the user is the
   * current identity when unset (LakeForge's own HTTP client, {@code apiTimeout} per attempt).
   *
   * <p><b>Startup</b> ({@link LakebaseConfig#failFast()}). By default the lookups, the first
   * credential and a first connection, kept in the pool, all happen within one acquisition
   * timeout: the pool is returned working, or nothing is left open and a {@link
   * LakebaseException} says why (the API did not answer, the server refused the login, TLS),
   * with the connection failure, and its SQLSTATE, as its cause. With {@code failFast(false)} the
   * lookups (none when host and user are configured) are bounded by the acquisition timeout, the
   * first credential is requested in the background, and the first {@link #getConnection()}
   * reports any failure within its own budget.
   *
   * @throws LakebaseException if the pool cannot be made ready within the acquisition timeout
   */
  public static LakebasePool create(LakebaseConfig config, WorkspaceClient client) {
    String endpoint = config.requireEndpoint();
    long deadline = System.nanoTime() + config.acquisitionTimeout().toNanos();
    // The pool opens while the lookups are still open: its credential cache joins their shared
    // API client, so the token that served the lookups serves the credential too.
    try (DatabricksCalls lookups = new DatabricksCalls(client, config, Clock.systemUTC())) {
      Target target = Target.resolve(config, client, lookups, endpoint,
          () -> lookups.currentUser(deadline), deadline);
      LakebasePool pool = start(config, client, target);
      if (config.failFast()) {
        pool.connectFirst(deadline);
      }
      return pool;
    }
  }

  /**
   * A started pool for a resolved target, sharing the credential cache of its endpoint and
   * identity; its first credential is being fetched in the background.
   */
  static LakebasePool start(LakebaseConfig config, WorkspaceClient client, Target target) {
    CredentialCache cache = CredentialCache.open(target.key(), target.name(), config,
        () -> new DatabricksCalls(client, config, Clock.systemUTC()));
    try {
      LakebasePool pool = new LakebasePool(config, target, cache);
      // An eager first credential: a new pool's first burst of connections finds it ready.
      cache.prefetch();
      return pool;
    } catch (RuntimeException | Error e) {
      cache.release();
      throw e;
    }
  }

  /** Opens a first connection by {@code deadline} and keeps it in the pool; else closes the pool. */
  private void connectFirst(long deadline) {
    try (Connection c = binding.borrow(deadline)) {
      // Returned to the pool at once: the first caller borrows it without a login.
    } catch (SQLException e) {
      close();
      String reason = e.getMessage() != null && e.getMessage().startsWith(name + ": ")
          ? e.getMessage().substring(name.length() + 2) : String.valueOf(e.getMessage());
      throw new LakebaseException(name + ": the pool could not open its first connection, so it"
          + " was not created (failFast): " + reason + " To create it without"
          + " connecting, set failFast=false (LAKEBASE_FAIL_FAST=false).", e);
    }
  }

  /**
   * The jOOQ settings of LakeForge's contexts: no execute logging, no warning fetches, no
   * diagnostics, unformatted SQL; they remove per-query work without changing results.
   *
   * @return a new {@link Settings} instance
   */
  public static Settings jooqSettings() {
    return new Settings()
        .withExecuteLogging(false)
        .withFetchWarnings(false)
        .withRenderFormatted(false)
        .withDiagnosticsLogging(false);
  }

  /**
   * Borrows a connection; close it to return it. Returns or fails within the acquisition timeout
   * plus about a second.
   *
   * @throws PoolExhaustedException at once when {@code maxWaiting} callers already wait
   * @throws SQLException when no connection is available within the acquisition timeout, a new
   *     one cannot be opened, or the pool is closed (SQLSTATE 08003)
   */
  @Override
  public Connection getConnection() throws SQLException {
    if (closed) {
      throw closedException();
    }
    if (poolMetrics) {
      // Agroal already counts its waiters; reading that count keeps LakeForge's hot path free of
      // shared writes. Arrivals racing past the check can overshoot maxWaiting by a few.
      if (agroal.getMetrics().awaitingCount() >= maxWaiting) {
        throw exhausted();
      }
      return acquire();
    }
    acquiring.increment();
    try {
      if (acquiring.sum() > maxWaiting + maxSize) {
        throw exhausted();
      }
      return acquire();
    } finally {
      acquiring.decrement();
    }
  }

  private Connection acquire() throws SQLException {
    return binding.borrow();
  }

  private PoolExhaustedException exhausted() {
    exhausted.increment();
    return new PoolExhaustedException(name + ": " + config.maxWaiting() + " callers are already"
        + " waiting for a connection (maxWaiting). Raise maxSize or maxWaiting, or shed load.");
  }

  private SQLException closedException() {
    return binding.closedException();
  }

  /**
   * Agroal's health check: borrows a connection (or opens a new one) and validates it, within
   * the acquisition timeout.
   *
   * @param newConnection open a new connection for the check instead of borrowing one
   */
  public boolean isHealthy(boolean newConnection) throws SQLException {
    return binding.isHealthy(newConnection);
  }

  /** Not supported: every connection logs in as the configured user with a minted credential. */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(name + ": connections use minted credentials;"
        + " call getConnection() without a user and password.");
  }

  /** A jOOQ context that borrows a connection from this pool per query. */
  public DSLContext dsl() {
    return dsl;
  }

  /** The pool's name, used as the prefix of its log lines. */
  public String name() {
    return name;
  }

  /** The endpoint resource path. */
  public String endpoint() {
    return endpoint;
  }

  LakebaseConfig config() {
    return config;
  }

  boolean isClosed() {
    return closed;
  }

  /** Physical connections being opened now (for tests). */
  int opening() {
    return binding.opening();
  }

  CredentialCache credentialCache() {
    return credentials;
  }

  /** Current pool and credential figures. */
  public LakebasePoolStats stats() {
    AgroalDataSourceMetrics m = agroal.getMetrics();
    long waiting = config.poolMetrics() ? m.awaitingCount() : acquiring.sum();
    return new LakebasePoolStats(name, m.activeCount(), m.availableCount(), waiting,
        config.maxSize(), m.creationCount(), credentials.refreshes(), credentials.failures(),
        credentials.apiCalls());
  }

  /**
   * Agroal's own timings and the rejections: read when meters are scraped, nothing is measured on
   * the hot path beyond what Agroal already does (all zero but {@code exhausted} when {@code
   * poolMetrics} is off).
   */
  public LakebasePoolActivity activity() {
    AgroalDataSourceMetrics m = agroal.getMetrics();
    return new LakebasePoolActivity(m.acquireCount(), m.blockingTimeTotal(), m.blockingTimeMax(),
        m.creationCount(), m.creationTimeTotal(), exhausted.sum());
  }

  /** The state of the credential cache this pool logs in with; never the credential. */
  public LakebaseCredentialStatus credentialStatus() {
    return credentials.status();
  }

  /**
   * No physical connection open (Agroal closed the idle ones after {@code maxIdle}, none is
   * borrowed) and no caller inside {@link #getConnection()}: closing the pool loses nothing.
   */
  boolean isUnused() {
    if (closed) {
      return true;
    }
    if (poolMetrics ? agroal.getMetrics().awaitingCount() > 0 : acquiring.sum() > 0) {
      return false;
    }
    for (Connection c : binding.opened()) {
      if (!Jdbc.isClosed(c)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the pool hands out read-only connections (a read-only endpoint) or read-write ones. */
  public EndpointKind endpointKind() {
    return config.get(LakebaseSettings.READ_ONLY) ? EndpointKind.READ_ONLY : EndpointKind.READ_WRITE;
  }

  /**
   * Closes every connection of the pool, borrowed ones included after waiting up to
   * {@code closeGrace} for them to be returned; when some are still borrowed, first asks the
   * server to cancel what runs on them (waiting at most 2 s), so no session outlives the pool
   * running a long query. Stops the pool's housekeeping thread and releases the credential cache.
   * Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      awaitReturns(config.get(LakebaseSettings.CLOSE_GRACE).toNanos());
      if (!poolMetrics || agroal.getMetrics().activeCount() > 0) {
        // Still borrowed: closing a socket does not stop a query the server is running.
        cancelQueries();
      }
      agroal.close();
    } finally {
      binding.opened().forEach(Jdbc::abort);
      binding.opened().clear();
      credentials.release();
    }
  }

  /**
   * Sends a cancel request for every open connection of the pool (an idle session ignores it),
   * in parallel, and waits at most {@link ConnectionSettings#CANCEL_TIMEOUT_SECONDS} for them all,
   * pgjdbc's {@code cancelSignalTimeout} for each, so a cancel thread still sending after the
   * wait ends within that time on its own.
   */
  private void cancelQueries() {
    List<PGConnection> open = new ArrayList<>();
    for (Connection c : binding.opened()) {
      if (!Jdbc.isClosed(c)) {
        try {
          open.add(c.unwrap(PGConnection.class));
        } catch (SQLException e) {
          // Closed meanwhile: nothing to cancel.
        }
      }
    }
    if (open.isEmpty()) {
      return;
    }
    ExecutorService cancels = Executors.newFixedThreadPool(Math.min(open.size(), MAX_CANCELS), r -> {
      Thread t = new Thread(r, name + "-cancel");
      t.setDaemon(true);
      return t;
    });
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ConnectionSettings.CANCEL_TIMEOUT_SECONDS);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (PGConnection c : open) {
        sent.add(cancels.submit(() -> {
          c.cancelQuery();
          return null;
        }));
      }
      for (Future<?> f : sent) {
        try {
          f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
          LOG.log(System.Logger.Level.DEBUG, () -> name + ": a cancel request on close failed: " + e);
        }
      }
      cancels.shutdown();
      cancels.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      cancels.shutdownNow();
    }
  }

  private void awaitReturns(long graceNanos) {
    if (graceNanos <= 0 || !config.poolMetrics()) {
      return;
    }
    long end = System.nanoTime() + graceNanos;
    try {
      while (agroal.getMetrics().activeCount() > 0 && System.nanoTime() < end) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "LakebasePool[" + name + ", endpoint=" + endpoint + "]";
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return agroal.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    agroal.setLogWriter(out);
  }

  /** Not supported: the acquisition timeout is the budget of every login. */
  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    throw new SQLFeatureNotSupportedException(name + ": logins are bounded by acquisitionTimeout;"
        + " set that instead.");
  }

  @Override
  public int getLoginTimeout() {
    return (int) Math.max(1, config.acquisitionTimeout().toSeconds());
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("io.lakeforge.runtime");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException(name + " does not wrap " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
