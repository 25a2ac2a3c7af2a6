package io.lakeforge.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a Lakebase branch. Put it on a {@code static final String} constant of a
 * {@link LakebaseProject @LakebaseProject} class; the constant's value is the branch id.
 *
 * <pre>{@code
 * @Branch(ttl = "P7D", from = "staging") static final String PRE_PROD = "pre-prod";
 * }</pre>
 *
 * <p>Every branch gets a read-only endpoint ({@link #readOnlyEndpoint()}) next to the read-write
 * {@code primary} endpoint Lakebase creates with the branch.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Branch {

  /**
   * Time to live as an ISO-8601 duration ({@code "P7D"}, {@code "PT36H"}), at most 30 days. Empty
   * (the default) means the branch never expires.
   */
  String ttl() default "";

  /** Protects the branch from deletion and reset ({@code is_protected}). */
  boolean protect() default false;

  /**
   * Id of another branch declared in the same project to branch from. Empty (the default) means
   * the project's default branch.
   */
  String from() default "";

  /** Id of the read-only endpoint created for this branch. */
  String readOnlyEndpoint() default "readonly";

  /**
   * Minimum autoscaling compute units of the read-only endpoint (0.5–64). {@code 0} (the default)
   * uses the bundle variable {@code lakebase_min_cu}.
   */
  double minCu() default 0;

  /**
   * Maximum autoscaling compute units of the read-only endpoint (0.5–64, at most 16 above
   * {@code minCu}). {@code 0} (the default) uses the bundle variable {@code lakebase_max_cu}.
   */
  double maxCu() default 0;

  /**
   * Takes over a resource Lakebase already created: the root branch {@code production} or an
   * endpoint called {@code primary}. Writes {@code replace_existing: true}.
   */
  boolean replaceExisting() default false;
}
