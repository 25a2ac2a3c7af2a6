package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;

@LakebaseProject(id = "access-fields")
final class AccessFields {
  @Branch static final String DEV = "dev";
  @Role(identity = Identity.GROUP, postgresRole = "g") static String NOT_FINAL = "a-role"; // expect-error: LakeforgeBranchField
  @Database(owner = "a-role") static final int NOT_STRING = 3; // expect-error: LakeforgeBranchField
}
