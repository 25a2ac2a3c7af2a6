package io.lakeforge.runtime;

import org.jspecify.annotations.Nullable;

/**
 * A branch operation that Lakebase or LakeForge refused, or that did not finish in its budget. The
 * message names the branch and what to do.
 */
public class LakebaseBranchException extends LakebaseException {
  private static final long serialVersionUID = 1L;

  /** Why a branch operation failed. */
  public enum Reason {
    /** An id, TTL or source that is not allowed. */
    INVALID,
    /** The branch exists with another source. */
    CONFLICT,
    /** Deleting {@code production}, a protected or a declared branch. */
    REFUSED,
    /** No such branch. */
    NOT_FOUND,
    /** The operation did not finish within the budget (it may still finish later). */
    TIMEOUT,
    /** The Databricks API failed. */
    API
  }

  private final Reason reason;

  /** An exception for {@code reason}. */
  public LakebaseBranchException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the operation failed. */
  public Reason reason() {
    return reason;
  }
}
