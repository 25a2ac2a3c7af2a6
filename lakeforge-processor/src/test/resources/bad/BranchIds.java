package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "ids") // expect-warning: LakeforgeBranchCount
final class BranchIds {
  @Branch static final String EMPTY = ""; // expect-error: LakeforgeBranchId
  @Branch static final String UPPER = "Dev"; // expect-error: LakeforgeBranchId
  @Branch static final String UNDERSCORE = "feature_x"; // expect-error: LakeforgeBranchId
  @Branch static final String SPACE = "my branch"; // expect-error: LakeforgeBranchId
  @Branch static final String NEWLINE = "dev\nprod"; // expect-error: LakeforgeBranchId
  @Branch static final String QUOTE = "it's"; // expect-error: LakeforgeBranchId
  @Branch static final String DIGIT = "1st"; // expect-error: LakeforgeBranchId
  @Branch static final String TOO_LONG = "a123456789012345678901234567890123456789012345678901234567890123"; // expect-error: LakeforgeBranchId
  @Branch static final String TRAILING = "dev-"; // expect-error: LakeforgeBranchId
  @Branch static final String LONGEST = "a12345678901234567890123456789012345678901234567890123456789012";
  @Branch(readOnlyEndpoint = "Read_Only") // expect-error: LakeforgeEndpointId
  static final String BAD_ENDPOINT = "ok";
}
