package io.lakeforge.runtime.internal;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The "driver" Agroal instantiates for LakeForge pools: it hands connection creation to the
 * {@link ConnectionOpener} that LakeForge's security provider puts into the properties, so the
 * credential, login timeouts, retries and TLS rules live in one place for every LakeForge type.
 * It is not registered with {@code DriverManager} and opens nothing on its own.
 */
public final class OpenerDriver implements Driver {

  /** The JDBC URL LakeForge pools give Agroal. */
  public static final String URL = "jdbc:lakeforge:opener";
  /** The property key under which the opener travels from the security provider to here. */
  public static final String OPENER = "io.lakeforge.opener";

  /** For Agroal's reflective instantiation. */
  public OpenerDriver() {}

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    Object opener = info.get(OPENER);
    if (!URL.equals(url) || !(opener instanceof ConnectionOpener o)) {
      throw new SQLException("OpenerDriver opens connections only for LakeForge pools.", "08001");
    }
    return o.open();
  }

  @Override
  public boolean acceptsURL(String url) {
    return URL.equals(url);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 1;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }
}
