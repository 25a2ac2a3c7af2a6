package io.lakeforge.runtime.internal;

import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * pgjdbc connection properties for LakeForge settings, without a password. Host, port and
 * database travel as properties ({@code PGHOST}, {@code PGPORT}, {@code PGDBNAME}) with the URL
 * {@link #URL}: nothing a user sets is pasted into a URL, so {@code PGDATABASE=app?sslmode=disable}
 * is a (strange) database name, not a way to turn TLS off.
 */
public final class ConnectionSettings {

  /**
   * How long a cancel request (a query timeout, a cancelled async stage, a pool closing over a
   * borrowed connection) waits for the server: pgjdbc's {@code cancelSignalTimeout}, 10 s by
   * default, unless set in the JDBC properties.
   */
  public static final int CANCEL_TIMEOUT_SECONDS = 2;

  /** The pgjdbc URL: everything else is a property. */
  public static final String URL = "jdbc:postgresql://";

  private ConnectionSettings() {}

  /** Connection properties for one host and role, without a password. */
  public static Properties jdbc(LakebaseConfig config, String host, int port, String user) {
    Properties p = new Properties();
    Map<String, String> extra = config.get(LakebaseSettings.JDBC_PROPERTIES);
    if (extra != null) {
      extra.forEach(p::setProperty);
    }
    p.setProperty("PGHOST", host);
    p.setProperty("PGPORT", Integer.toString(port));
    p.setProperty("PGDBNAME", config.database());
    p.setProperty("user", user);
    Tls.apply(config, p);
    p.setProperty("ApplicationName", String.valueOf(config.get(LakebaseSettings.APPLICATION_NAME)));
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("connectTimeout", Long.toString(seconds(config.get(LakebaseSettings.CONNECT_TIMEOUT))));
    Duration socket = config.get(LakebaseSettings.SOCKET_TIMEOUT);
    p.setProperty("socketTimeout", Long.toString(seconds(socket)));
    p.putIfAbsent("cancelSignalTimeout", Integer.toString(CANCEL_TIMEOUT_SECONDS));
    if (Boolean.TRUE.equals(config.get(LakebaseSettings.READ_ONLY))) {
      p.setProperty("readOnly", "true");
      p.setProperty("readOnlyMode", "always");
    }
    return p;
  }

  /** Whole seconds, rounded up (pgjdbc's unit); 0 stays 0. */
  public static long seconds(Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      return 0;
    }
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }
}
