package good;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.Grant;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;
import io.lakeforge.annotations.Tag;

/** Every access, compute and guard-rail option in one valid topology. */
@LakebaseProject(
    id = "access",
    accessorName = "Estate",
    grants = {
      @Grant(level = Grant.Level.CAN_USE, group = "data-readers"),
      @Grant(level = Grant.Level.CAN_MANAGE, user = "owner@example.com"),
      @Grant(level = Grant.Level.CAN_MANAGE, servicePrincipal = "${var.deploy_principal}")
    },
    tags = {@Tag(key = "cost-center", value = "1234"), @Tag(key = "team", value = "${var.team}")},
    budgetPolicyId = "${var.budget_policy_id}",
    historyRetention = "P14D",
    defaultSuspendTimeout = "PT5M",
    preventDestroy = true)
final class Access {
  @Branch(replaceExisting = true, protect = true, readOnlyEndpoint = "", primaryMinCu = 2,
      primaryMaxCu = 8, primarySuspendTimeout = Branch.NEVER, primaryComputes = 2,
      primaryPgSettings = {"work_mem=64MB", "log_min_duration_statement = 500"})
  static final String PRODUCTION = "production";

  @Branch(from = "production", suspendTimeout = "P7D",
      pgSettings = "statement_timeout=30s")
  static final String STAGING = "staging";

  @Branch(from = "staging", readOnlyEndpoint = "", primarySuspendTimeout = "PT1M")
  static final String DEV = "dev";

  @Role(identity = Identity.SERVICE_PRINCIPAL, postgresRole = "${var.app_principal}")
  static final String APP = "app-role";

  @Role(identity = Identity.GROUP, postgresRole = "data-readers", branches = {"staging", "dev"})
  static final String READERS = "readers";

  @Role(identity = Identity.USER, postgresRole = "dba@example.com", superuser = true,
      createdb = true, createrole = true, bypassrls = true, branches = "production")
  static final String DBA = "dba-role";

  @Role(identity = Identity.SERVICE_PRINCIPAL,
      postgresRole = "6f1d6c2e-0a4b-4c5d-9e8f-1a2b3c4d5e6f", branches = "dev")
  static final String CI = "ci-role";

  @Database(owner = "app-role")
  static final String ORDERS = "order-history";

  @Database(owner = "readers", name = "reports", branches = "dev")
  static final String REPORTS = "reports";
}
