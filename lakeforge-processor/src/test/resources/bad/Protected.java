package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "protected")
final class Protected {
  @Branch(replaceExisting = true, protect = true) static final String PRODUCTION = "production";
  @Branch static final String DEV = "dev";
  @Branch(protect = true) // expect-error: LakeforgeProtectedBranch
  static final String STAGING = "staging";
}
