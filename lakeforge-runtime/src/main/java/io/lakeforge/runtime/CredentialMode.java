package io.lakeforge.runtime;

/** How physical connections obtain their Lakebase credential. */
public enum CredentialMode {
  /**
   * One cached credential per endpoint, refreshed ahead of its expiry; concurrent refreshes are
   * collapsed into one API call. The default.
   */
  CACHED,
  /** A fresh credential from the Databricks API for every physical connection. */
  PER_CONNECTION
}
