package io.lakeforge.runtime;

import org.jspecify.annotations.Nullable;

/**
 * Base of LakeForge's unchecked exceptions. Messages name what failed and what to do; they never
 * contain a token, password or client secret.
 */
public class LakebaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message that says what failed and what to do. */
  public LakebaseException(String message) {
    super(message);
  }

  /** An exception with a message and its cause. */
  public LakebaseException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
