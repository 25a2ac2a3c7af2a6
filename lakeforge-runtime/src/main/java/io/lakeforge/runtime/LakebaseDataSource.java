package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.runtime.internal.CredentialCache;
import io.lakeforge.runtime.internal.DatabricksCalls;
import io.lakeforge.runtime.internal.Jdbc;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * An unpooled {@link DataSource} that logs in with a Lakebase credential on every
 * {@link #getConnection()}, so HikariCP, Spring or any other pool can use LakeForge credentials.
 *
 * <pre>{@code
 * HikariConfig hikari = new HikariConfig();
 * hikari.setDataSource(LakebaseDataSource.fromEnvironment());
 * }</pre>
 *
 * <p>In {@link CredentialMode#CACHED} mode credentials come from the endpoint's cache; in
 * {@link CredentialMode#PER_CONNECTION} mode each call mints one. A rejected password (SQLSTATE
 * 28P01) is retried once with a fresh credential.
 */
public final class LakebaseDataSource implements DataSource, AutoCloseable {

  private static final Driver DRIVER = new Driver();

  private final String name;
  private final String url;
  private final Properties properties;
  private final CredentialCache credentials;
  private final DatabricksCalls calls;
  private volatile int loginTimeout;

  private LakebaseDataSource(String name, String url, Properties properties,
      CredentialCache credentials, DatabricksCalls calls) {
    this.name = name;
    this.url = url;
    this.properties = properties;
    this.credentials = credentials;
    this.calls = calls;
  }

  /** For {@code LAKEBASE_ENDPOINT}, configured from the environment and the SDK's default auth. */
  public static LakebaseDataSource fromEnvironment() {
    LakebaseConfig config = LakebaseConfig.fromEnvironment();
    config.requireEndpoint();
    return create(config, Lakebase.defaultClient());
  }

  /** For {@link LakebaseConfig#endpoint()}; only its connection settings are used. */
  public static LakebaseDataSource create(LakebaseConfig config, WorkspaceClient client) {
    String endpoint = config.requireEndpoint();
    DatabricksCalls calls = Lakebase.calls(config, client);
    try {
      String host = Lakebase.host(config, calls, endpoint);
      String user = Lakebase.user(config, calls);
      String name = LakebasePool.poolName(endpoint).replace("lakebase[", "lakebase-ds[");
      CredentialCache cache = new CredentialCache(name, endpoint, calls, config.credentialMode(),
          config.refreshMargin(), Clock.systemUTC());
      return new LakebaseDataSource(name, Jdbc.url(host, config.port(), config.database()),
          Jdbc.properties(user, config.sslMode()), cache, calls);
    } catch (RuntimeException e) {
      calls.close();
      throw e;
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      return connect();
    } catch (SQLException e) {
      if (!Jdbc.isAuthFailure(e)) {
        throw e;
      }
      credentials.invalidate();
      return connect();
    }
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    p.putAll(properties);
    if (loginTimeout > 0) {
      p.setProperty("loginTimeout", Integer.toString(loginTimeout));
    }
    try {
      p.setProperty("password", credentials.token());
    } catch (LakebaseCredentialException e) {
      throw new SQLException(name + ": could not open a connection: " + e.getMessage(), "08001", e);
    }
    return DRIVER.connect(url, p);
  }

  /** Credential figures of this data source (pool figures are the external pool's). */
  public LakebasePoolStats stats() {
    return new LakebasePoolStats(name, 0, 0, 0, 0, 0, credentials.refreshes(),
        credentials.failures(), credentials.apiCalls());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(name + ": connections use minted credentials;"
        + " call getConnection() without a user and password.");
  }

  @Override
  public void close() {
    calls.close();
  }

  @Override
  public String toString() {
    return "LakebaseDataSource[" + name + ", url=" + url + "]";
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // Logging goes through System.Logger.
  }

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
