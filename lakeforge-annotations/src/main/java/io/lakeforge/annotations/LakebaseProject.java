package io.lakeforge.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a Databricks Lakebase project. The annotated class holds its branches as
 * {@link Branch @Branch} {@code static final String} constants.
 *
 * <p>At compile time the LakeForge processor validates the topology and writes
 * {@code META-INF/lakeforge/<id>/lakebase.yml} (a Databricks Asset Bundle resource file) and a
 * typed accessor class (default {@code Branches}) in the same package.
 *
 * <pre>{@code
 * @LakebaseProject(id = "lakeforge-main")
 * final class Topology {
 *   @Branch static final String DEV = "dev";
 *   @Branch(ttl = "P7D") static final String STAGING = "staging";
 * }
 * }</pre>
 *
 * <p>One {@code @LakebaseProject} per compilation: its resources use fixed bundle keys and the
 * {@code project_name} variable, so a second project belongs in a module (a bundle) of its own.
 * CLASS retention (not SOURCE) so that Gradle accepts the processor as aggregating.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface LakebaseProject {

  /**
   * The project id used by the generated accessor when {@code LAKEBASE_PROJECT} is not set at run
   * time. The YAML keeps {@code ${var.project_name}} so that one topology deploys under any name.
   * 1–63 characters: a lowercase letter, then lowercase letters, digits and hyphens.
   */
  String id();

  /** Simple name of the generated accessor class, in the package of the annotated class. */
  String accessorName() default "Branches";

  /**
   * PostgreSQL major version. {@code 0} (the default) writes {@code ${var.pg_version}} so the
   * bundle variable decides; Lakebase supports 16 and 17.
   */
  int pgVersion() default 0;

  /** Project permissions ({@code permissions}): who may use or manage the project. */
  Grant[] grants() default {};

  /** Custom tags for cost attribution ({@code custom_tags}); keys unique. */
  Tag[] tags() default {};

  /**
   * Budget policy id ({@code budget_policy_id}), usually a bundle variable written
   * {@code "${var.name}"}. Empty (the default) writes none.
   */
  String budgetPolicyId() default "";

  /**
   * How long the project keeps history for point-in-time recovery and branching from the past
   * ({@code history_retention_duration}), as an ISO-8601 duration from {@code "P2D"} to
   * {@code "P35D"} in whole seconds. Empty (the default) keeps Lakebase's default.
   */
  String historyRetention() default "";

  /**
   * Default suspend timeout of the project's endpoints
   * ({@code default_endpoint_settings.suspend_timeout_duration}): an ISO-8601 duration from
   * {@code "PT1M"} to {@code "P7D"} in whole seconds, or {@link Branch#NEVER} for
   * {@code no_suspension}. Empty (the default) keeps Lakebase's default.
   */
  String defaultSuspendTimeout() default "";

  /**
   * Writes {@code lifecycle.prevent_destroy: true} on the project, so that no deploy or destroy
   * of the bundle deletes it. Off by default: the delivery's destroy workflow must be able to
   * remove a project that has no protected branch.
   */
  boolean preventDestroy() default false;
}
