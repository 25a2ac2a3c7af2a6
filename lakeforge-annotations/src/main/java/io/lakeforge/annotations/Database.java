package io.lakeforge.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a Postgres database owned by a declared {@link Role @Role}. Put it on a
 * {@code static final String} constant of a {@link LakebaseProject @LakebaseProject} class; the
 * constant's value is the database id (4–63 characters, like a role id).
 *
 * <pre>{@code
 * @Database(owner = "app-role", name = "orders") static final String ORDERS = "orders";
 * }</pre>
 *
 * <p>The database is declared on every branch its owner is declared on, or on {@link #branches()}.
 * A branch created from another inherits its databases, so LakeForge writes
 * {@code replace_existing: true}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Database {

  /** The role id of the owning {@link Role @Role} ({@code role}). */
  String owner();

  /**
   * The database name in Postgres ({@code postgres_database}): a lowercase unquoted identifier of
   * at most 63 characters. Empty (the default) uses the id with hyphens turned into underscores.
   */
  String name() default "";

  /**
   * Ids of the branches the database is declared on; empty (the default) means every branch its
   * owner is declared on.
   */
  String[] branches() default {};
}
