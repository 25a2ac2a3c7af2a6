package io.lakeforge.runtime.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens one physical connection within the current caller's budget; never exposes a password. */
public interface ConnectionOpener {
  /** A new physical connection, logged in. */
  Connection open() throws SQLException;
}
