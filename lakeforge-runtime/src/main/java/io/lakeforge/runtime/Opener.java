package io.lakeforge.runtime;

import io.lakeforge.runtime.internal.ConnectionSettings;
import io.lakeforge.runtime.internal.Jdbc;
import io.lakeforge.runtime.internal.Tls;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.Driver;

/**
 * Opens physical connections for one endpoint, for pools and the data source alike, within the
 * caller's budget: the credential wait, the TCP connect and every read of the login are bounded
 * by what remains of it. PostgreSQL's 28P01 drops exactly the rejected credential and retries
 * once with a new one; a compute that is starting (57P01, 57P03, 08001, 08006) is retried with a
 * short backoff while the budget lasts; a TLS verification failure says what to set.
 */
final class Opener {

  private static final System.Logger LOG = System.getLogger("io.lakeforge.runtime");
  private static final Driver DRIVER = new Driver();
  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

  private final Target target;
  private final LakebaseConfig config;
  private final CredentialCache credentials;
  private final Properties base;
  private final long connectTimeoutSeconds;
  private final int socketTimeoutMillis;
  private final String initSql;

  Opener(Target target, LakebaseConfig config, CredentialCache credentials) {
    this.target = target;
    this.config = config;
    this.credentials = credentials;
    this.base = ConnectionSettings.jdbc(config, target.host(), target.port(), target.user());
    this.base.setProperty("loginTimeout", "0");
    this.connectTimeoutSeconds = ConnectionSettings.seconds(config.get(LakebaseSettings.CONNECT_TIMEOUT));
    this.socketTimeoutMillis = (int) Math.min(Integer.MAX_VALUE,
        config.get(LakebaseSettings.SOCKET_TIMEOUT).toMillis());
    StringBuilder sql = new StringBuilder();
    Duration statement = config.get(LakebaseSettings.STATEMENT_TIMEOUT);
    if (!statement.isZero()) {
      sql.append("set statement_timeout = ").append(statement.toMillis()).append(";");
    }
    Duration idle = config.get(LakebaseSettings.IDLE_IN_TRANSACTION_TIMEOUT);
    if (!idle.isZero()) {
      sql.append("set idle_in_transaction_session_timeout = ").append(idle.toMillis()).append(";");
    }
    this.initSql = sql.toString();
  }

  /** A new physical connection, or a failure with a SQLSTATE, by {@code deadline} (nanoTime). */
  Connection open(long deadline) throws SQLException {
    boolean retriedAuth = false;
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      Minted credential;
      try {
        credential = credentials.credential(deadline);
      } catch (LakebaseClosedException e) {
        throw new SQLException(target.name() + ": " + e.getMessage(), "08003", e);
      } catch (LakebaseException e) {
        String reason = e.getMessage();
        if (reason != null && reason.startsWith(target.name() + ": ")) {
          reason = reason.substring(target.name().length() + 2);
        }
        throw new SQLException(target.name() + ": could not open a connection: " + reason,
            "08001", e);
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw timedOut(null);
      }
      long seconds = Math.max(1, ConnectionSettings.seconds(Duration.ofNanos(remaining)));
      Properties p = new Properties();
      p.putAll(base);
      p.setProperty("password", credential.token());
      p.setProperty("connectTimeout", Long.toString(connectTimeoutSeconds == 0
          ? seconds : Math.min(connectTimeoutSeconds, seconds)));
      // Bounds every read of the login (TLS handshake, authentication); reset after login.
      p.setProperty("socketTimeout", Long.toString(seconds));
      try {
        return setUp(DRIVER.connect(ConnectionSettings.URL, p));
      } catch (SQLException e) {
        String tls = Tls.explain(config, target.host(), e);
        if (tls != null) {
          throw new SQLException(target.name() + ": " + tls, e.getSQLState(), e);
        }
        if (Jdbc.isAuthFailure(e) && !retriedAuth) {
          LOG.log(System.Logger.Level.INFO, () -> target.name() + ": PostgreSQL rejected the"
              + " credential (28P01); retrying once with a new one");
          credentials.invalidate(credential);
          retriedAuth = true;
          continue;
        }
        if (Jdbc.isStartingUp(e) && System.nanoTime() + pause < deadline) {
          String state = e.getSQLState();
          LOG.log(System.Logger.Level.DEBUG, () -> target.name() + ": the endpoint is not"
              + " accepting connections yet (" + state + "); retrying");
          sleep(pause);
          pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
          continue;
        }
        if (Jdbc.isStartingUp(e) && System.nanoTime() >= deadline) {
          throw timedOut(e);
        }
        throw e;
      }
    }
  }

  private Connection setUp(Connection c) throws SQLException {
    try {
      c.setNetworkTimeout(Runnable::run, socketTimeoutMillis);
      if (!initSql.isEmpty()) {
        try (Statement s = c.createStatement()) {
          s.execute(initSql);
        }
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private SQLException timedOut(SQLException cause) {
    return new SQLException(target.name() + ": could not open a connection within the"
        + " acquisition timeout (" + config.acquisitionTimeout().toMillis() + " ms)"
        + (cause == null ? "" : ": " + cause.getMessage()), "08001", cause);
  }

  private static void sleep(long nanos) throws SQLException {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while opening a connection.", "08001", e);
    }
  }

  @Override
  public String toString() {
    return "Opener[" + target.name() + "]";
  }
}
