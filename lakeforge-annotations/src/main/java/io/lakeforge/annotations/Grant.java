package io.lakeforge.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A project permission ({@code permissions} of the project), used in
 * {@link LakebaseProject#grants()}. Name exactly one of {@link #group()}, {@link #user()} and
 * {@link #servicePrincipal()}; each may be a bundle variable, written {@code "${var.name}"}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface Grant {

  /** Permission levels of a Lakebase project. */
  enum Level {
    /** Use the project: connect and see it. */
    CAN_USE,
    /** Manage the project, including its permissions. */
    CAN_MANAGE
  }

  /** The permission level. */
  Level level();

  /** A workspace group name ({@code group_name}). */
  String group() default "";

  /** A user name, an e-mail address ({@code user_name}). */
  String user() default "";

  /** A service principal's application id ({@code service_principal_name}). */
  String servicePrincipal() default "";
}
