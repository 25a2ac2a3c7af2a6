package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

/** A valid topology whose accessor could not be written: checked only once the topology is valid. */
@LakebaseProject(id = "constants")
final class AccessorConstants {
  @Branch static final String PROJECT_ID = "everything"; // expect-error: LakeforgeKeyCollision
  @Branch static final String ALL = "all";
}
