package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;

@LakebaseProject(id = "databases")
final class Databases {
  @Branch static final String DEV = "dev";
  @Branch static final String STAGING = "staging";

  @Role(identity = Identity.SERVICE_PRINCIPAL, postgresRole = "${var.app_principal}")
  static final String APP = "app-role";
  @Role(identity = Identity.GROUP, postgresRole = "readers", branches = "dev")
  static final String READERS = "readers";

  @Database(owner = "app-role") static final String SHORT = "ord"; // expect-error: LakeforgeDatabaseId
  @Database(owner = "app-role") static final String UNDERSCORE = "order_items"; // expect-error: LakeforgeDatabaseId
  @Database(owner = "app-role") static final String ORDERS = "orders";
  @Database(owner = "app-role", name = "orders2") static final String AGAIN = "orders"; // expect-error: LakeforgeDuplicateAccess
  @Database(owner = "app-role",
      name = "orders") // expect-error: LakeforgeDuplicateAccess
  static final String SAME_NAME = "same-name";
  @Database(owner = "app-role", name = "reports", branches = "staging") static final String STAGING_REPORTS = "staging-reports";
  @Database(owner = "readers", name = "reports") static final String DEV_REPORTS = "dev-reports";

  @Database(owner = "app-role",
      name = "Orders") // expect-error: LakeforgePostgresName
  static final String UPPER_NAME = "upper-name";
  @Database(owner = "app-role",
      name = "1orders") // expect-error: LakeforgePostgresName
  static final String DIGIT_NAME = "digit-name";
  @Database(owner = "app-role",
      name = "a123456789012345678901234567890123456789012345678901234567890123") // expect-error: LakeforgePostgresName
  static final String LONG_NAME = "long-name";
  @Database(owner = "app-role", name = "a12345678901234567890123456789012345678901234567890123456789012")
  static final String LONGEST_NAME = "longest-name";
  @Database(owner = "app-role",
      name = "databricks_postgres") // expect-error: LakeforgePostgresName
  static final String DEFAULT_DATABASE = "default-database";
  @Database(owner = "app-role",
      name = "postgres") // expect-error: LakeforgePostgresName
  static final String POSTGRES = "postgres-db";

  @Database(owner = "app-rol") // expect-error: LakeforgeDatabaseOwner
  static final String TYPO_OWNER = "typo-owner";
  @Database(owner = "readers",
      branches = "staging") // expect-error: LakeforgeDatabaseOwner
  static final String OWNER_ELSEWHERE = "owner-elsewhere";
  @Database(owner = "app-role",
      branches = "prod") // expect-error: LakeforgeAccessBranches
  static final String NO_BRANCH = "no-branch";
}
