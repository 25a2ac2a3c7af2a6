package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * An unpooled {@link DataSource} that logs in with a Lakebase credential on every
 * {@link #getConnection()}, so HikariCP, Spring or any other pool can use LakeForge credentials.
 *
 * <pre>{@code
 * HikariConfig hikari = new HikariConfig();
 * hikari.setDataSource(LakebaseDataSource.fromEnvironment());
 * }</pre>
 *
 * <p>In {@link CredentialMode#CACHED} mode credentials come from the endpoint's shared cache; in
 * {@link CredentialMode#PER_CONNECTION} mode each call mints one. {@link #getConnection()}
 * returns or fails within the login timeout ({@link #setLoginTimeout(int)}, else the acquisition
 * timeout) plus about a second; a rejected password (SQLSTATE 28P01) is retried once with a new
 * credential, a starting compute within the budget. {@link #close()} releases the credential
 * cache; connections already handed out belong to the caller.
 */
public final class LakebaseDataSource implements DataSource, AutoCloseable {

  private final String name;
  private final String endpoint;
  private final EndpointKind kind;
  private final Opener opener;
  private final CredentialCache credentials;
  private final long budgetNanos;
  private volatile int loginTimeout;
  private volatile boolean closed;
  /** Physical connections opened, and callers in {@link #getConnection()} now. */
  private final java.util.concurrent.atomic.LongAdder created =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder opening =
      new java.util.concurrent.atomic.LongAdder();

  private LakebaseDataSource(Target target, LakebaseConfig config, CredentialCache credentials) {
    this.name = target.name().replace("lakebase[", "lakebase-ds[");
    this.endpoint = target.endpoint();
    this.kind = config.get(LakebaseSettings.READ_ONLY) ? EndpointKind.READ_ONLY : EndpointKind.READ_WRITE;
    this.opener = new Opener(target, config, credentials);
    this.credentials = credentials;
    this.budgetNanos = config.acquisitionTimeout().toNanos();
  }

  /** For {@code LAKEBASE_ENDPOINT}, configured from the environment and the SDK's default auth. */
  public static LakebaseDataSource fromEnvironment() {
    LakebaseConfig config = LakebaseConfig.fromEnvironment();
    config.requireEndpoint();
    return create(config, Lakebase.defaultClient());
  }

  /**
   * For {@link LakebaseConfig#endpoint()}; only its connection settings are used. The host and
   * user lookups (none when both are configured) end within the acquisition timeout; no
   * connection is opened until the first {@link #getConnection()}.
   */
  public static LakebaseDataSource create(LakebaseConfig config, WorkspaceClient client) {
    String endpoint = config.requireEndpoint();
    long deadline = System.nanoTime() + config.acquisitionTimeout().toNanos();
    Target target;
    try (DatabricksCalls lookups = new DatabricksCalls(client, config, Clock.systemUTC())) {
      target = Target.resolve(config, client, lookups, endpoint,
          () -> lookups.currentUser(deadline), deadline);
    }
    CredentialCache cache = CredentialCache.open(target.key(), target.name(), config,
        () -> new DatabricksCalls(client, config, Clock.systemUTC()));
    return new LakebaseDataSource(target, config, cache);
  }

  /**
   * A new physical connection, logged in with a Lakebase credential.
   *
   * @throws SQLException when no connection can be opened within the budget, or after close
   *     (SQLSTATE 08003)
   */
  @Override
  public Connection getConnection() throws SQLException {
    if (closed) {
      throw new SQLException(name + ": the data source is closed.", "08003",
          new LakebaseClosedException(name + ": closed."));
    }
    int seconds = loginTimeout;
    long budget = seconds > 0 ? seconds * 1_000_000_000L : budgetNanos;
    opening.increment();
    try {
      Connection c = opener.open(System.nanoTime() + budget);
      created.increment();
      return c;
    } finally {
      opening.decrement();
    }
  }

  /**
   * What this data source did: {@code waiting} counts callers in {@link #getConnection()} now
   * (opening a connection), {@code connectionsCreated} the connections it opened, and the
   * credential figures its cache's. {@code active}, {@code idle} and {@code maxSize} are 0: an
   * unpooled data source holds no connections (they are the external pool's figures, such as
   * HikariCP's {@code hikaricp.*} meters).
   */
  public LakebasePoolStats stats() {
    return new LakebasePoolStats(name, 0, 0, opening.sum(), 0, created.sum(),
        credentials.refreshes(), credentials.failures(), credentials.apiCalls());
  }

  /** The state of the credential cache this data source logs in with; never the credential. */
  public LakebaseCredentialStatus credentialStatus() {
    return credentials.status();
  }

  /** The endpoint resource path. */
  public String endpoint() {
    return endpoint;
  }

  /** Whether connections are read-only (a read-only endpoint) or read-write. */
  public EndpointKind endpointKind() {
    return kind;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(name + ": connections use minted credentials;"
        + " call getConnection() without a user and password.");
  }

  /** Releases the credential cache (the last user stops its thread and HTTP connections). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    credentials.release();
  }

  @Override
  public String toString() {
    return "LakebaseDataSource[" + name + "]";
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // Logging goes through System.Logger.
  }

  /** Budget of one {@link #getConnection()} in seconds; 0 (the default) for acquisitionTimeout. */
  @Override
  public void setLoginTimeout(int seconds) {
    loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
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
