package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "fields")
final class NotConstants {
  @Branch static String NOT_FINAL = "a"; // expect-error: LakeforgeBranchField
  @Branch final String notStatic = "b"; // expect-error: LakeforgeBranchField
  @Branch static final int NOT_STRING = 3; // expect-error: LakeforgeBranchField
  @Branch static final String NOT_CONSTANT = String.valueOf("c"); // expect-error: LakeforgeBranchField
  @Branch static final String FINE = "fine";
}
