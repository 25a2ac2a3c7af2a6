package io.lakeforge.runtime.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** PostgreSQL error classification and the ends of physical connections. */
public final class Jdbc {

  /** SQLSTATE of a failed password authentication. */
  public static final String INVALID_PASSWORD = "28P01";
  /**
   * States a compute answers with while it wakes from scale-to-zero or restarts: admin shutdown,
   * cannot connect now (starting up), unable to connect, connection failure.
   */
  private static final Set<String> STARTING = Set.of("57P01", "57P03", "08001", "08006");

  private Jdbc() {}

  /** Whether PostgreSQL rejected the password somewhere in this failure. */
  public static boolean isAuthFailure(@Nullable Throwable t) {
    return state(t, Set.of(INVALID_PASSWORD)) != null;
  }

  /** Whether opening a connection failed in a way that a moment later may succeed. */
  public static boolean isStartingUp(@Nullable Throwable t) {
    return state(t, STARTING) != null;
  }

  private static @Nullable String state(@Nullable Throwable t, Set<String> states) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException s && s.getSQLState() != null && states.contains(s.getSQLState())) {
        return s.getSQLState();
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
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

  /** Whether a physical connection is closed; one that cannot say counts as closed. */
  public static boolean isClosed(Connection c) {
    try {
      return c.isClosed();
    } catch (SQLException | RuntimeException e) {
      return true;
    }
  }

  /**
   * Ends a physical connection at once, without waiting on the server or on a thread that is
   * using it (pgjdbc closes its socket; the backend ends on the next read). Never throws.
   */
  public static void abort(Connection c) {
    try {
      c.abort(Runnable::run);
    } catch (SQLException | RuntimeException ignored) {
      // Closed already, or going away: nothing more to end.
    }
  }
}
