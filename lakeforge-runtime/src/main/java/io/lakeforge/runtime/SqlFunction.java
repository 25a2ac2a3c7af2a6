package io.lakeforge.runtime;

import java.sql.SQLException;

/**
 * Work done with a JDBC connection that may throw {@link SQLException}.
 *
 * @param <T> the connection type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SqlFunction<T, R> {
  /** Runs the work. */
  R apply(T connection) throws SQLException;
}
