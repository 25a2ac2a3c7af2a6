package io.lakeforge.runtime.internal;

import java.sql.SQLException;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/** JDBC URLs and properties for Lakebase, and PostgreSQL error classification. */
public final class Jdbc {

  /** SQLSTATE of a failed password authentication. */
  public static final String INVALID_PASSWORD = "28P01";

  private Jdbc() {}

  public static String url(String host, int port, String database) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  /** Connection properties without the password. */
  public static Properties properties(String user, String sslMode) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("sslmode", sslMode);
    p.setProperty("ApplicationName", "lakeforge");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("connectTimeout", "10");
    return p;
  }

  /** Whether PostgreSQL rejected the password somewhere in this failure. */
  public static boolean isAuthFailure(@Nullable Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException s && INVALID_PASSWORD.equals(s.getSQLState())) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** The first exception of the given type in a cause chain. */
  public static <T extends Throwable> @Nullable T find(@Nullable Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** Fatal states: the connection is gone (class 08) or the server is shutting it down (57P0x). */
  public static boolean isFatal(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }
}
