package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "sources")
final class SourceBranches {
  @Branch static final String STAGING = "staging";
  @Branch(from = "stagign") // expect-error: LakeforgeSourceBranch
  static final String TYPO = "typo";
  @Branch(from = "self") // expect-error: LakeforgeSourceBranch
  static final String SELF = "self";
  @Branch(from = "loop-b") // expect-error: LakeforgeSourceBranch
  static final String LOOP_A = "loop-a";
  @Branch(from = "loop-a") // expect-error: LakeforgeSourceBranch
  static final String LOOP_B = "loop-b";
}
