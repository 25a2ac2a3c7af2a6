package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceMetrics;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.lakeforge.runtime.internal.AgroalPools;
import io.lakeforge.runtime.internal.CredentialCache;
import io.lakeforge.runtime.internal.DatabricksCalls;
import io.lakeforge.runtime.internal.Jdbc;
import io.lakeforge.runtime.internal.TokenSecurityProvider;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * An Agroal connection pool for one Lakebase endpoint. Every new physical connection logs in with
 * a Lakebase credential from the endpoint's credential cache; pooled connections are reused
 * without touching the Databricks API.
 *
 * <pre>{@code
 * try (LakebasePool pool = LakebasePool.fromEnvironment()) {
 *   String me = pool.dsl().fetchValue("select current_user", String.class);
 * }
 * }</pre>
 *
 * <p>On top of Agroal: a bound on waiting callers ({@link LakebaseConfig#maxWaiting()}; one more
 * fails at once with {@link PoolExhaustedException}), and one retry with a fresh credential when
 * PostgreSQL rejects a password (SQLSTATE 28P01). Connections that fail with a fatal SQLSTATE
 * (class 08, 57P0x) are evicted; connections idle for longer than {@link
 * LakebaseConfig#idleValidation()} are validated before they are lent out.
 */
public final class LakebasePool implements DataSource, AutoCloseable {

  private static final System.Logger LOG = System.getLogger("io.lakeforge.runtime");

  private final String name;
  private final String endpoint;
  private final LakebaseConfig config;
  private final AgroalDataSource agroal;
  private final CredentialCache credentials;
  private final @Nullable DatabricksCalls ownedCalls;
  /** Callers inside getConnection(), for maxWaiting when Agroal's metrics (and waiter count) are off. */
  private final LongAdder acquiring = new LongAdder();
  private final DSLContext dsl;

  LakebasePool(String name, LakebaseConfig config, String endpoint, String host, String user,
      DatabricksCalls calls, boolean ownsCalls) {
    this.name = name;
    this.endpoint = endpoint;
    this.config = config;
    this.ownedCalls = ownsCalls ? calls : null;
    this.credentials = new CredentialCache(name, endpoint, calls, config.credentialMode(),
        config.refreshMargin(), Clock.systemUTC());
    TokenSecurityProvider security = new TokenSecurityProvider(credentials);
    AgroalDataSourceConfigurationSupplier supplier = AgroalPools.configuration(
        config, host, user, security.credential(), security);
    try {
      this.agroal = AgroalDataSource.from(supplier);
    } catch (SQLException e) {
      throw new LakebaseException(name + ": could not start the connection pool: " + e.getMessage(), e);
    }
    this.dsl = DSL.using(this, SQLDialect.POSTGRES, jooqSettings());
    LOG.log(System.Logger.Level.DEBUG, () -> name + ": pool started for " + endpoint + " at "
        + host + ":" + config.port() + " as " + user);
  }

  /** A pool for {@code LAKEBASE_ENDPOINT}, configured from the environment and the SDK's default auth. */
  public static LakebasePool fromEnvironment() {
    LakebaseConfig config = LakebaseConfig.fromEnvironment();
    config.requireEndpoint();
    return create(config, Lakebase.defaultClient());
  }

  /**
   * A pool for {@link LakebaseConfig#endpoint()}. The host is looked up from the endpoint when
   * {@link LakebaseConfig#host()} is unset, the user is the current identity when unset.
   */
  public static LakebasePool create(LakebaseConfig config, WorkspaceClient client) {
    String endpoint = config.requireEndpoint();
    DatabricksCalls calls = Lakebase.calls(config, client);
    try {
      String host = Lakebase.host(config, calls, endpoint);
      String user = Lakebase.user(config, calls);
      return new LakebasePool(poolName(endpoint), config, endpoint, host, user, calls, true);
    } catch (RuntimeException e) {
      calls.close();
      throw e;
    }
  }

  static String poolName(String endpoint) {
    String[] p = endpoint.split("/");
    return "lakebase[" + p[1] + "/" + p[3] + "/" + p[5] + "]";
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
   * Borrows a connection; close it to return it.
   *
   * @throws PoolExhaustedException at once when {@code maxWaiting} callers already wait
   * @throws SQLException when no connection is available within the acquisition timeout or a
   *     new one cannot be opened
   */
  @Override
  public Connection getConnection() throws SQLException {
    if (config.poolMetrics()) {
      // Agroal already counts its waiters; reading that count keeps LakeForge's hot path free of
      // shared writes. Arrivals racing past the check can overshoot maxWaiting by a few.
      if (agroal.getMetrics().awaitingCount() >= config.maxWaiting()) {
        throw exhausted();
      }
      return acquire();
    }
    acquiring.increment();
    try {
      if (acquiring.sum() > config.maxWaiting() + config.maxSize()) {
        throw exhausted();
      }
      return acquire();
    } finally {
      acquiring.decrement();
    }
  }

  private Connection acquire() throws SQLException {
    try {
      return agroal.getConnection();
    } catch (SQLException | RuntimeException e) {
      if (!Jdbc.isAuthFailure(e)) {
        throw translate(e);
      }
      LOG.log(System.Logger.Level.INFO, () -> name + ": PostgreSQL rejected the cached"
          + " credential (28P01); retrying once with a fresh one");
      credentials.invalidate();
      try {
        return agroal.getConnection();
      } catch (SQLException | RuntimeException again) {
        throw translate(again);
      }
    }
  }

  private PoolExhaustedException exhausted() {
    return new PoolExhaustedException(name + ": " + config.maxWaiting() + " callers are already"
        + " waiting for a connection (maxWaiting). Raise maxSize or maxWaiting, or shed load.");
  }

  private SQLException translate(Exception e) {
    LakebaseCredentialException credential = Jdbc.find(e, LakebaseCredentialException.class);
    if (credential != null) {
      return new SQLException(name + ": could not open a connection: " + credential.getMessage(),
          "08001", credential);
    }
    if (e instanceof SQLException s) {
      return s;
    }
    return new SQLException(name + ": could not open a connection: " + e.getMessage(), "08001", e);
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

  /** Current pool and credential figures. */
  public LakebasePoolStats stats() {
    AgroalDataSourceMetrics m = agroal.getMetrics();
    long waiting = config.poolMetrics() ? m.awaitingCount() : acquiring.sum();
    return new LakebasePoolStats(name, m.activeCount(), m.availableCount(), waiting,
        config.maxSize(), m.creationCount(), credentials.refreshes(), credentials.failures(),
        credentials.apiCalls());
  }

  /** Closes every connection of the pool; borrowed connections are closed as they are returned. */
  @Override
  public void close() {
    agroal.close();
    if (ownedCalls != null) {
      ownedCalls.close();
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

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    agroal.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return agroal.getLoginTimeout();
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
