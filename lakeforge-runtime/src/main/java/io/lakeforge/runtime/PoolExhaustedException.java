package io.lakeforge.runtime;

import java.sql.SQLTransientConnectionException;

/**
 * Thrown at once, without waiting, when a pool already has its maximum number of callers waiting
 * for a connection ({@link LakebaseConfig.Builder#maxWaiting(int)}).
 */
public final class PoolExhaustedException extends SQLTransientConnectionException {
  private static final long serialVersionUID = 1L;

  /** With SQLSTATE 53300 (too many connections). */
  public PoolExhaustedException(String message) {
    super(message, "53300");
  }
}
