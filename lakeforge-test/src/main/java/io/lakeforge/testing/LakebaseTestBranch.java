package io.lakeforge.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class its own Lakebase branch, created from {@link #from()} before the tests and
 * deleted after them (also when a test fails), with a short TTL in case the run crashes. Test
 * methods, constructors and lifecycle methods receive {@link javax.sql.DataSource}, jOOQ's {@link
 * org.jooq.DSLContext}, {@link io.lakeforge.annotations.BranchRef} and {@link
 * io.lakeforge.runtime.BranchInfo} of the branch as parameters, and {@link SourceBranch} for its
 * source.
 *
 * <p><b>Database.</b> The {@code DataSource}, {@code DSLContext}, {@code BranchRef} and {@code
 * BranchInfo} use the rule {@link io.lakeforge.runtime.Lakebase#database} applies to a {@code
 * Branches} handle, for the source: {@link #database()} when set (in workspace mode also {@code
 * PGDATABASE}); else the database the topology declares on {@link #from()} ({@code @Database}, read
 * from the generated {@code META-INF/lakeforge/<project>/lakebase.yml} on the test class path), as
 * a copy of that branch has it; else {@code databricks_postgres}. A source that declares several
 * needs {@link #database()}: the kit does not guess. Offline, the declared databases exist on the
 * source server, owned by the test role, so tests need no GRANT.
 *
 * <p><b>Source.</b> A {@link SourceBranch} parameter reaches {@link #from()} on the same database,
 * for isolation checks: a write on the test branch is invisible there, and the reverse.
 *
 * <p><b>Spring.</b> On a {@code @SpringBootTest} class the application's {@code lakeforge.*}
 * properties point at the class's branch ({@link LakebaseContextCustomizerFactory}, registered in
 * {@code META-INF/spring.factories}; Spring is optional for this artifact); the class gets its own
 * context, closed after the class before the branch is deleted, and {@link #scope()} must be
 * {@link Scope#CLASS}. An application the test starts itself takes {@link
 * LakebaseContextCustomizerFactory#initializer}.
 *
 * <p><b>Parallel execution.</b> Safe with {@code junit.jupiter.execution.parallel.enabled=true}:
 * classes (and methods with {@link Scope#METHOD}) running at the same time each get their own
 * branch; the offline server and emulator are shared, and each source is prepared once.
 *
 * <p>Offline by default: an embedded PostgreSQL 17 and the Databricks emulator on loopback, with the
 * same credential flow as a workspace (the real SDK mints a credential that is the role's
 * password). With {@code LAKEFORGE_TEST_MODE=workspace} (or {@code -Dlakeforge.test.mode=workspace})
 * the branch is a real one in the workspace the SDK's default chain reaches, in {@link #project()}
 * (or {@code LAKEFORGE_TEST_PROJECT}).
 *
 * <p>{@code mvn test} (Surefire) runs {@code *Test} classes only: run an {@code *IT} class such as
 * the one below with the Failsafe plugin ({@code mvn verify}), or name it {@code *Test}.
 *
 * <pre>{@code
 * @LakebaseTestBranch(from = "staging")
 * class OrdersIT {
 *   @Test
 *   void insertsAnOrder(DSLContext db) { ... }
 *
 *   @Test
 *   void theSourceDoesNotSeeIt(DSLContext db, SourceBranch source) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(LakebaseBranchExtension.class)
public @interface LakebaseTestBranch {

  /**
   * The source branch id; default {@code production}. When the project's generated topology
   * ({@code META-INF/lakeforge/<project>/lakebase.yml}) is on the test class path, a branch it does
   * not declare is refused before anything is created.
   */
  String from() default "production";

  /**
   * The Postgres database the branch's connections use; empty (default) for the database the
   * topology declares on {@link #from()} (the rule the runtime applies to a {@code Branches}
   * handle), else {@code databricks_postgres}. Required when the source declares more than one.
   * Where the topology is on the class path, a database it does not declare on the source (other
   * than {@code databricks_postgres}, which every branch has) is refused.
   */
  String database() default "";

  /** The project id; empty for {@code LAKEFORGE_TEST_PROJECT}, or {@code lakeforge-test} offline. */
  String project() default "";

  /** One branch for the class (default), or one per test method. */
  Scope scope() default Scope.CLASS;

  /** The branch's TTL as an ISO-8601 duration: how long it outlives a crashed run. */
  String ttl() default "PT1H";

  /** How many branches a test class gets. */
  enum Scope {
    /** One branch shared by every test of the class. */
    CLASS,
    /** A fresh branch for every test method. */
    METHOD
  }
}
