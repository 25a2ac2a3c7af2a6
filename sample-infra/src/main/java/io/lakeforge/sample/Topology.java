package io.lakeforge.sample;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.Grant;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;
import io.lakeforge.annotations.Tag;

/**
 * The sample Lakebase topology. {@code ./mvnw package} turns it into {@code resources/lakebase.yml}
 * and the typed accessor {@link Branches}.
 *
 * <p>Who may connect: the application's service principal has a Postgres role on every branch
 * and owns the {@code orders} database there; the workspace group named by
 * {@code lakebase_users_group} may use the project, and so may the delivery workflows' service
 * principals (deploy and preview manage it, plan reads it). Ids that differ per workspace are
 * bundle variables declared in {@code databricks.yml}.
 */
@LakebaseProject(
    id = "lakeforge-main",
    grants = {
        @Grant(level = Grant.Level.CAN_USE, group = "${var.lakebase_users_group}"),
        // The delivery identities (docs/oidc-setup.md). A deploy writes the project's whole
        // permission list, so every grant the workflows rely on is declared here, never by hand.
        @Grant(level = Grant.Level.CAN_MANAGE, servicePrincipal = "${var.deploy_principal}"),
        @Grant(level = Grant.Level.CAN_USE, servicePrincipal = "${var.plan_principal}"),
        @Grant(level = Grant.Level.CAN_MANAGE, servicePrincipal = "${var.preview_principal}")},
    tags = {@Tag(key = "project", value = "lakeforge"), @Tag(key = "owner", value = "${var.cost_owner}")})
final class Topology {

  /** Day-to-day development; never expires. Its read-write endpoint sleeps after 5 idle minutes. */
  @Branch(primarySuspendTimeout = "PT5M")
  static final String DEV = "dev";

  /** Integration testing, protected from deletion and reset (and from the bundle's destroy). */
  @Branch(protect = true)
  static final String STAGING = "staging";

  /**
   * A release rehearsal branched from staging, with no read-only endpoint. It expires after a
   * week, and the next deploy creates it again from staging (the build warns:
   * [LakeforgeExpiringBranch]).
   */
  @Branch(ttl = "P7D", from = "staging", readOnlyEndpoint = "")
  static final String PRE_PROD = "pre-prod";

  /** The application's service principal; its application id is the bundle variable app_principal. */
  @Role(identity = Identity.SERVICE_PRINCIPAL, postgresRole = "${var.app_principal}")
  static final String APP = "lakeforge-app";

  /** The application's database on every branch, owned by its role. */
  @Database(owner = "lakeforge-app", name = "orders")
  static final String ORDERS = "orders";

  private Topology() {}
}
