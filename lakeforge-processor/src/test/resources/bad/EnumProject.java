package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "enums")
enum EnumProject {
  @Branch DEV; // expect-error: LakeforgeBranchField
}
