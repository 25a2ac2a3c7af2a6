package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "root")
final class RootBranch {
  @Branch static final String DEV = "dev";
  @Branch(replaceExisting = true, from = "dev") // expect-error: LakeforgeRootBranch
  static final String PRODUCTION = "production";
}
