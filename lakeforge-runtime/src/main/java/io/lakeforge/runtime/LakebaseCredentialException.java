package io.lakeforge.runtime;

import org.jspecify.annotations.Nullable;

/**
 * A Lakebase credential could not be obtained from the Databricks API after the configured
 * retries. Connections already open are unaffected.
 */
public final class LakebaseCredentialException extends LakebaseException {
  private static final long serialVersionUID = 1L;

  /** A failure to obtain a credential, with a message free of secrets. */
  public LakebaseCredentialException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
