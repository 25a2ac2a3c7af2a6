package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "dups")
final class Duplicates {
  @Branch static final String DEV = "dev";
  @Branch static final String DEV_AGAIN = "dev"; // expect-error: LakeforgeDuplicateBranch
  @Branch static final String FEATURE_A = "feature-a";
  @Branch static final String FEATURE_UNDERSCORE = "feature_a"; // expect-error: LakeforgeBranchId
  @Branch(readOnlyEndpoint = "c") static final String A_B = "a-b";
  @Branch(readOnlyEndpoint = "b-c") static final String A = "a"; // expect-error: LakeforgeKeyCollision
}
