package io.lakeforge.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a Postgres role bound to a Databricks identity, logging in with Databricks OAuth
 * ({@code LAKEBASE_OAUTH_V1}). Put it on a {@code static final String} constant of a
 * {@link LakebaseProject @LakebaseProject} class; the constant's value is the role id (4–63
 * characters: a lowercase letter, then lowercase letters, digits and hyphens, not ending with a
 * hyphen).
 *
 * <pre>{@code
 * @Role(identity = Identity.SERVICE_PRINCIPAL, postgresRole = "${var.app_principal}")
 * static final String APP = "app-role";
 * }</pre>
 *
 * <p>The role is declared on every branch of the topology, or on {@link #branches()}. A branch
 * created from another inherits its roles, so LakeForge writes {@code replace_existing: true}:
 * the deploy takes over an inherited role instead of failing with ALREADY_EXISTS.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Role {

  /** The kind of identity ({@code identity_type}). */
  Identity identity();

  /**
   * The Postgres role name, which is the identity's name: a service principal's application id,
   * a user's e-mail address or a group's name. Values that differ per workspace come from a
   * bundle variable, written {@code "${var.name}"}; declare the variable in {@code databricks.yml}.
   */
  String postgresRole();

  /** Makes the role a member of {@code DATABRICKS_SUPERUSER} ({@code membership_roles}). */
  boolean superuser() default false;

  /** Grants {@code CREATEDB} ({@code attributes.createdb}). */
  boolean createdb() default false;

  /** Grants {@code CREATEROLE} ({@code attributes.createrole}). */
  boolean createrole() default false;

  /** Grants {@code BYPASSRLS} ({@code attributes.bypassrls}): every row-level policy is bypassed. */
  boolean bypassrls() default false;

  /** Ids of the branches the role is declared on; empty (the default) means every branch. */
  String[] branches() default {};
}
