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
 * @Branch(from = "staging", primaryMinCu = 0.5, primaryMaxCu = 4) static final String PRE_PROD = "pre-prod";
 * }</pre>
 *
 * <p>Lakebase creates every branch with its read-write endpoint {@code primary}; LakeForge takes it
 * over (with the branch's own settings) only when {@link #primaryMinCu()} and {@link #primaryMaxCu()}
 * are set. By default the branch also gets a read-only endpoint ({@link #readOnlyEndpoint()});
 * {@code readOnlyEndpoint = ""} declares none.
 *
 * <p>CLASS retention (not SOURCE) so that Gradle accepts the processor as aggregating.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Branch {

  /** The suspend timeout that means never suspend ({@code no_suspension: true}). */
  String NEVER = "never";

  /**
   * Time to live as an ISO-8601 duration ({@code "P7D"}, {@code "PT36H"}): a whole number of
   * seconds, at least one second and at most 30 days. Empty (the default) means the branch never
   * expires.
   *
   * <p>The bundle still declares an expired branch, so the next deploy creates it again (a fresh
   * copy of its source). For branches meant to disappear use ephemeral branches, which live outside
   * the bundle. Not allowed on a protected branch, on {@code production}, or on a branch that
   * another branch names in {@link #from()}.
   */
  String ttl() default "";

  /** Protects the branch from deletion and reset ({@code is_protected}). */
  boolean protect() default false;

  /**
   * Id of another branch declared in the same project to branch from. Empty (the default) means
   * the project's default branch.
   */
  String from() default "";

  /**
   * Id of the read-only endpoint created for this branch; never {@code primary}, which is the
   * branch's read-write endpoint. Empty declares no read-only endpoint (and no cost for one).
   */
  String readOnlyEndpoint() default "readonly";

  /**
   * Minimum autoscaling compute units of the read-only endpoint (0.5 or a whole number up to 64).
   * {@code 0} (the default) uses the bundle variable {@code lakebase_min_cu}; set both
   * {@code minCu} and {@code maxCu} or neither.
   */
  double minCu() default 0;

  /**
   * Maximum autoscaling compute units of the read-only endpoint (0.5 or a whole number up to 64,
   * at most 16 above {@code minCu}). {@code 0} (the default) uses the bundle variable
   * {@code lakebase_max_cu}; set both {@code minCu} and {@code maxCu} or neither.
   */
  double maxCu() default 0;

  /**
   * Minimum autoscaling compute units of the read-write endpoint {@code primary}. With
   * {@link #primaryMaxCu()} (set both or neither) LakeForge takes over the {@code primary} endpoint
   * Lakebase created with the branch ({@code ENDPOINT_TYPE_READ_WRITE},
   * {@code replace_existing: true}). {@code 0} (the default) leaves it at the project's defaults.
   */
  double primaryMinCu() default 0;

  /** Maximum autoscaling compute units of the read-write endpoint {@code primary}; see {@link #primaryMinCu()}. */
  double primaryMaxCu() default 0;

  /**
   * Takes over a branch that already exists with this id, such as the root branch
   * {@code production} Lakebase creates with every project. Writes {@code replace_existing: true}
   * on the branch only; it takes effect when the branch is first deployed.
   */
  boolean replaceExisting() default false;

  /**
   * Suspend timeout of the read-only endpoint ({@code suspend_timeout_duration}): an ISO-8601
   * duration from {@code "PT1M"} to {@code "P7D"} in whole seconds, or {@link #NEVER}
   * ({@code no_suspension: true}). Empty (the default) keeps the project's default.
   */
  String suspendTimeout() default "";

  /**
   * Suspend timeout of the read-write endpoint {@code primary}, like {@link #suspendTimeout()}.
   * Setting it takes over {@code primary} ({@code replace_existing: true}).
   */
  String primarySuspendTimeout() default "";

  /**
   * Number of computes behind the read-write endpoint {@code primary} (high availability,
   * {@code group} with {@code min} = {@code max}, which Lakebase requires). {@code 0} (the
   * default) leaves it alone; {@code 1} is a single compute. Setting it takes over
   * {@code primary}.
   */
  int primaryComputes() default 0;

  /**
   * Postgres settings of the read-write endpoint {@code primary} as {@code "name=value"} entries
   * ({@code settings.pg_settings}). Setting them takes over {@code primary}.
   */
  String[] primaryPgSettings() default {};

  /** Postgres settings of the read-only endpoint, as {@code "name=value"} entries. */
  String[] pgSettings() default {};

  /**
   * A protected branch gets {@code lifecycle.prevent_destroy: true}, so no deploy or destroy of
   * the bundle deletes it. {@code allowDestroy = true} leaves it out; it has no effect on a
   * branch that is not protected.
   */
  boolean allowDestroy() default false;
}
