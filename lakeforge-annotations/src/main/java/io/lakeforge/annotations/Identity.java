package io.lakeforge.annotations;

/**
 * The kind of Databricks identity a {@link Role @Role} binds to a Postgres role; written as the
 * bundle's {@code identity_type}.
 */
public enum Identity {
  /** A service principal; its Postgres role name is the application id. */
  SERVICE_PRINCIPAL,
  /** A workspace user; its Postgres role name is the user name (an e-mail address). */
  USER,
  /** A workspace group; its Postgres role name is the group name. */
  GROUP
}
