package io.lakeforge.runtime;

/**
 * Base of LakeForge's unchecked exceptions. Messages name what failed and what to do; they never
 * contain a token, password or client secret.
 */
public class LakebaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LakebaseException(String message) {
    super(message);
  }

  public LakebaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
