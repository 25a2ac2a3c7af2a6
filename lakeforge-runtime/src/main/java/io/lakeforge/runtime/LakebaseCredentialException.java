package io.lakeforge.runtime;

/**
 * A Lakebase credential could not be obtained from the Databricks API after the configured
 * retries. Connections already open are unaffected.
 */
public final class LakebaseCredentialException extends LakebaseException {
  private static final long serialVersionUID = 1L;

  public LakebaseCredentialException(String message, Throwable cause) {
    super(message, cause);
  }
}
