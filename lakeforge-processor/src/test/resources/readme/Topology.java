// The topology of README.md, section "Define a topology → YAML", verbatim between the markers.
// ReadmeTopologyTest compiles it under -Xlint:all -Werror; keep the two in step.
package readme;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.Grant;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;

// README begin
@LakebaseProject(id = "lakeforge-main",
    grants = @Grant(level = Grant.Level.CAN_USE, group = "${var.lakebase_users_group}"))
final class Topology {
  @Branch(primarySuspendTimeout = "PT5M") static final String DEV = "dev";
  @Branch(protect = true) static final String STAGING = "staging";
  @Branch(ttl = "P7D", from = "staging", readOnlyEndpoint = "") static final String PRE_PROD = "pre-prod";

  // The application's service principal may log in on every branch (Databricks OAuth) ...
  @Role(identity = Identity.SERVICE_PRINCIPAL, postgresRole = "${var.app_principal}")
  static final String APP = "lakeforge-app";
  // ... and owns its database there.
  @Database(owner = "lakeforge-app", name = "orders") static final String ORDERS = "orders";
}
// README end
