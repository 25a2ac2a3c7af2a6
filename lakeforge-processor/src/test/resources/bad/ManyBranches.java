package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

/** Ten declared branches plus the root branch production that every project has. */
@LakebaseProject(id = "many") // expect-warning: LakeforgeBranchCount
final class ManyBranches {
  @Branch static final String B1 = "b1";
  @Branch static final String B2 = "b2";
  @Branch static final String B3 = "b3";
  @Branch static final String B4 = "b4";
  @Branch static final String B5 = "b5";
  @Branch static final String B6 = "b6";
  @Branch static final String B7 = "b7";
  @Branch static final String B8 = "b8";
  @Branch static final String B9 = "b9";
  @Branch static final String B10 = "b10";
}
