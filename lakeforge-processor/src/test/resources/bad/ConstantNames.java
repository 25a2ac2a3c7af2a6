package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;

@LakebaseProject(id = "constants")
final class ConstantNames {
  @Branch static final String STAGING = "staging";
  @Branch(from = "STAGING") // expect-error: LakeforgeSourceBranch
  static final String QA = "qa";
  @Role(identity = Identity.GROUP, postgresRole = "shop") static final String SHOP_APP = "shop-app";
  @Database(owner = "SHOP_APP") // expect-error: LakeforgeDatabaseOwner
  static final String ORDERS = "orders";
  @Branch static String REPORTS = "reports"; // expect-error: LakeforgeBranchField
}
